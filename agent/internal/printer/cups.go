package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/phin1x/go-ipp"

	"ak1/agent/protocol"
)

// tagMu guards go-ipp's package-global AttributeTagMapping: the encoder reads it on every
// request, and driver options unknown to go-ipp (e.g. a PPD's "Ribbon") must be added to it
// before they can be sent.
// Readers hold RLock while encoding; writers add names.
var tagMu sync.RWMutex

// CUPS prints to one CUPS queue over IPP, either on the local domain socket or over TCP.
type CUPS struct {
	Queue string
	base  string // http://host:port used in request URLs (the socket ignores the host)
	http  *http.Client
	user  string
}

// NewCUPS connects to CUPS at server: an absolute path is the domain socket (e.g.
// /run/cups/cups.sock), anything else is host:port (e.g. localhost:631).
//
// go-ipp's own adapters are not used for transport: its socket adapter sends a "Local"
// certificate that cupsd rotates, so requests fail with 401 now and then, and neither adapter
// reuses connections. Here the domain socket goes without that header (cupsd identifies the
// local peer by its credentials) and keep-alive connections are reused, which keeps
// claim-to-CUPS latency low. go-ipp still encodes and decodes the IPP messages.
func NewCUPS(server, queue string) (*CUPS, error) {
	if queue == "" {
		return nil, errors.New("empty CUPS queue name")
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: 30 * time.Second}
	c := &CUPS{Queue: queue, user: "ak1-agent", http: &http.Client{Transport: tr}}
	if strings.HasPrefix(server, "/") {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, "unix", server)
		}
		c.base = "http://localhost"
		return c, nil
	}
	host, portStr, err := net.SplitHostPort(server)
	if err != nil || host == "" {
		return nil, fmt.Errorf("CUPS server %q: want /path/to/cups.sock or host:port", server)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("CUPS server %q: bad port", server)
	}
	tr.DialContext = dialer.DialContext
	c.base = "http://" + net.JoinHostPort(host, portStr)
	return c, nil
}

func (c *CUPS) String() string { return c.Queue }

func (c *CUPS) printerURI() string { return "ipp://localhost/printers/" + c.Queue }

// send performs one IPP request at path (e.g. "/printers/AK1-PDF").
func (c *CUPS) send(ctx context.Context, path string, req *ipp.Request) (*ipp.Response, error) {
	if _, ok := req.OperationAttributes[ipp.AttributeRequestingUserName]; !ok {
		req.OperationAttributes[ipp.AttributeRequestingUserName] = c.user
	}
	tagMu.RLock()
	payload, err := req.Encode()
	tagMu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("encode IPP request: %w", err)
	}
	var body io.Reader = bytes.NewReader(payload)
	size := int64(len(payload))
	if req.File != nil {
		body = io.MultiReader(body, req.File)
		size += int64(req.FileSize)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, body)
	if err != nil {
		return nil, err
	}
	hreq.ContentLength = size
	hreq.Header.Set("Content-Type", ipp.ContentTypeIPP)
	hresp, err := c.http.Do(hreq)
	if err != nil {
		if isDialError(err) {
			return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
		}
		return nil, err
	}
	defer hresp.Body.Close()
	if hresp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(hresp.Body, 4096))
		return nil, ipp.HTTPError{Code: hresp.StatusCode}
	}
	data, err := io.ReadAll(io.LimitReader(hresp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("read IPP response: %w", err)
	}
	resp, err := ipp.NewResponseDecoder(bytes.NewReader(data)).Decode(nil)
	if err != nil {
		return nil, fmt.Errorf("decode IPP response: %w", err)
	}
	if err := resp.CheckForErrors(); err != nil {
		return nil, err
	}
	return resp, nil
}

// isDialError tells errors where no byte reached CUPS (so no job can have been created).
func isDialError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ENOENT) || errors.Is(err, os.ErrNotExist) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// jobAttributes converts string options to IPP values: known integer/enum/boolean attributes get
// their type, everything else (media, sides, driver options) is sent as a keyword or name.
func jobAttributes(copies int, options map[string]string) (map[string]any, error) {
	attrs := map[string]any{}
	var unknown []string
	tagMu.RLock()
	for k, v := range options {
		tag, known := ipp.AttributeTagMapping[k]
		if !known {
			unknown = append(unknown, k)
			attrs[k] = v
			continue
		}
		switch tag {
		case ipp.TagInteger, ipp.TagEnum:
			n, err := strconv.Atoi(v)
			if err != nil {
				tagMu.RUnlock()
				return nil, fmt.Errorf("print option %s=%q: want a number", k, v)
			}
			attrs[k] = n
		case ipp.TagBoolean:
			b, err := strconv.ParseBool(v)
			if err != nil {
				tagMu.RUnlock()
				return nil, fmt.Errorf("print option %s=%q: want true or false", k, v)
			}
			attrs[k] = b
		case ipp.TagBeginCollection:
			tagMu.RUnlock()
			return nil, fmt.Errorf("print option %s: collections are not supported, use e.g. media", k)
		default:
			attrs[k] = v
		}
	}
	tagMu.RUnlock()
	if len(unknown) > 0 {
		tagMu.Lock()
		for _, k := range unknown {
			if _, ok := ipp.AttributeTagMapping[k]; !ok {
				// CUPS passes name-valued job attributes through to the driver as options,
				// which is how `lp -o Option=Value` reaches a PPD option.
				ipp.AttributeTagMapping[k] = ipp.TagName
			}
		}
		tagMu.Unlock()
	}
	if copies > 1 {
		attrs[ipp.AttributeCopies] = copies
	}
	return attrs, nil
}

// Print submits the PDF with a single Print-Job request named name.
func (c *CUPS) Print(ctx context.Context, name string, pdf []byte, copies int, options map[string]string) (Job, error) {
	attrs, err := jobAttributes(copies, options)
	if err != nil {
		return Job{}, err
	}
	req := ipp.NewRequest(ipp.OperationPrintJob, 1)
	req.OperationAttributes[ipp.AttributePrinterURI] = c.printerURI()
	req.OperationAttributes[ipp.AttributeJobName] = name
	req.OperationAttributes[ipp.AttributeDocumentFormat] = "application/pdf"
	for k, v := range attrs {
		req.JobAttributes[k] = v
	}
	req.File = bytes.NewReader(pdf)
	req.FileSize = len(pdf)
	resp, err := c.send(ctx, "/printers/"+c.Queue, req)
	if err != nil {
		return Job{}, fmt.Errorf("cups print-job: %w", err)
	}
	if len(resp.JobAttributes) == 0 || len(resp.JobAttributes[0][ipp.AttributeJobID]) == 0 {
		return Job{}, errors.New("cups print-job: no job id in answer")
	}
	id, ok := resp.JobAttributes[0][ipp.AttributeJobID][0].Value.(int)
	if !ok {
		return Job{}, errors.New("cups print-job: job id is not a number")
	}
	return Job{ID: id}, nil
}

var jobAttrNames = []string{ipp.AttributeJobID, ipp.AttributeJobName, ipp.AttributeJobState, "time-at-creation"}

// Find asks CUPS for all jobs of the queue, finished ones included (CUPS keeps their history
// while PreserveJobHistory is on, the default), and returns the newest one called name.
func (c *CUPS) Find(ctx context.Context, name string, notBefore time.Time) (Job, bool, error) {
	req := ipp.NewRequest(ipp.OperationGetJobs, 1)
	req.OperationAttributes[ipp.AttributePrinterURI] = c.printerURI()
	req.OperationAttributes[ipp.AttributeWhichJobs] = ipp.JobStateFilterAll
	req.OperationAttributes[ipp.AttributeRequestedAttributes] = jobAttrNames
	resp, err := c.send(ctx, "/", req)
	if err != nil {
		return Job{}, false, fmt.Errorf("cups get-jobs: %w", err)
	}
	var best Job
	found := false
	for _, a := range resp.JobAttributes {
		if attrString(a, ipp.AttributeJobName) != name {
			continue
		}
		// Job ids restart per server database (a test or a reset); an equally named CUPS job
		// from before the journal's intent is somebody else's.
		if created := attrInt(a, "time-at-creation"); !notBefore.IsZero() && created > 0 &&
			int64(created) < notBefore.Unix()-2 {
			continue
		}
		j := jobFromAttrs(a)
		if !found || j.ID > best.ID {
			best, found = j, true
		}
	}
	return best, found, nil
}

// Lookup returns the state of CUPS job id.
func (c *CUPS) Lookup(ctx context.Context, id int) (Job, bool, error) {
	req := ipp.NewRequest(ipp.OperationGetJobAttributes, 1)
	req.OperationAttributes[ipp.AttributeJobURI] = "ipp://localhost/jobs/" + strconv.Itoa(id)
	req.OperationAttributes[ipp.AttributeRequestedAttributes] = jobAttrNames
	resp, err := c.send(ctx, "/jobs/"+strconv.Itoa(id), req)
	if err != nil {
		var ie ipp.IPPError
		if errors.As(err, &ie) && ie.Status == ipp.StatusErrorNotFound {
			return Job{}, false, nil
		}
		return Job{}, false, fmt.Errorf("cups get-job-attributes: %w", err)
	}
	if len(resp.JobAttributes) == 0 {
		return Job{}, false, nil
	}
	return jobFromAttrs(resp.JobAttributes[0]), true, nil
}

func jobFromAttrs(a ipp.Attributes) Job {
	j := Job{ID: attrInt(a, ipp.AttributeJobID)}
	switch int8(attrInt(a, ipp.AttributeJobState)) {
	case ipp.JobStateCompleted:
		j.Outcome = Printed
	case ipp.JobStateCanceled:
		j.Outcome, j.Reason = Failed, "cups-job-canceled"
	case ipp.JobStateAborted:
		j.Outcome, j.Reason = Failed, "cups-job-aborted"
	}
	return j
}

// Health maps CUPS printer-state, printer-state-reasons and printer-is-accepting-jobs (never
// the localized printer-state-message) to the heartbeat's four states.
func (c *CUPS) Health(ctx context.Context) Health {
	req := ipp.NewRequest(ipp.OperationGetPrinterAttributes, 1)
	req.OperationAttributes[ipp.AttributePrinterURI] = c.printerURI()
	req.OperationAttributes[ipp.AttributeRequestedAttributes] = []string{
		ipp.AttributePrinterState, ipp.AttributePrinterStateReasons, ipp.AttributePrinterIsAcceptingJobs,
	}
	resp, err := c.send(ctx, "/printers/"+c.Queue, req)
	if err != nil {
		reason := "cups-unreachable"
		var ie ipp.IPPError
		if errors.As(err, &ie) && ie.Status == ipp.StatusErrorNotFound {
			reason = "cups-queue-not-found"
		}
		return Health{State: protocol.PrinterOffline, Reasons: []string{reason}}
	}
	if len(resp.PrinterAttributes) == 0 {
		return Health{State: protocol.PrinterOffline, Reasons: []string{"cups-queue-not-found"}}
	}
	a := resp.PrinterAttributes[0]
	var reasons []string
	for _, r := range a[ipp.AttributePrinterStateReasons] {
		if s, ok := r.Value.(string); ok && s != "none" {
			reasons = append(reasons, s)
		}
	}
	accepting := true
	if v := a[ipp.AttributePrinterIsAcceptingJobs]; len(v) > 0 {
		if b, ok := v[0].Value.(bool); ok {
			accepting = b
		}
	}
	return Health{State: mapState(attrInt(a, ipp.AttributePrinterState), accepting, reasons), Reasons: reasons}
}

// mapState is the heartbeat mapping, separate so it can be tested without a printer.
func mapState(state int, accepting bool, reasons []string) string {
	for _, r := range reasons {
		// "offline-report" (and its -warning/-error suffixed forms): the device is gone.
		if strings.HasPrefix(r, "offline") {
			return protocol.PrinterOffline
		}
	}
	switch {
	case state == int(ipp.PrinterStateStopped) || !accepting:
		return protocol.PrinterStopped
	case state == int(ipp.PrinterStateProcessing):
		return protocol.PrinterPrinting
	case state == int(ipp.PrinterStateIdle):
		for _, r := range reasons {
			// An idle queue with an -error reason (e.g. media-empty-error) cannot print.
			if strings.HasSuffix(r, "-error") {
				return protocol.PrinterStopped
			}
		}
		return protocol.PrinterIdle
	}
	return protocol.PrinterOffline
}

func attrInt(a ipp.Attributes, name string) int {
	if v := a[name]; len(v) > 0 {
		if n, ok := v[0].Value.(int); ok {
			return n
		}
	}
	return 0
}

func attrString(a ipp.Attributes, name string) string {
	if v := a[name]; len(v) > 0 {
		if s, ok := v[0].Value.(string); ok {
			return s
		}
	}
	return ""
}
