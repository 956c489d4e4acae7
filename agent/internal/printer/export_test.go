package printer

import "errors"

func isUnreachable(err error) bool { return errors.Is(err, ErrUnreachable) }
