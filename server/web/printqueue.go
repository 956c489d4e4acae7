package web

import "sync"

// printSignal wakes the print agents' long-polls when a job may have become available (approval,
// retry, reprint), so an idle station starts printing at once instead of at its next poll.
type printSignal struct {
	mu sync.Mutex
	ch chan struct{}
}

func newPrintSignal() *printSignal { return &printSignal{ch: make(chan struct{})} }

// Notify wakes every waiting claim.
func (p *printSignal) Notify() {
	p.mu.Lock()
	close(p.ch)
	p.ch = make(chan struct{})
	p.mu.Unlock()
}

// Wait returns a channel that closes at the next Notify.
func (p *printSignal) Wait() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ch
}
