package protocol

import "testing"

func TestJobPaths(t *testing.T) {
	if got := JobStatusPath(42); got != "/api/agent/jobs/42/status" {
		t.Errorf("JobStatusPath = %q", got)
	}
	if got := JobPDFPath(9); got != "/api/agent/jobs/9/card.pdf" {
		t.Errorf("JobPDFPath = %q", got)
	}
	if got := JobRecoverPath(7); got != "/api/agent/jobs/7/recover" {
		t.Errorf("JobRecoverPath = %q", got)
	}
}
