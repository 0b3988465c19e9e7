package attendance

import (
	"errors"
	"path/filepath"
	"sync"
	"time"
)

// Reminder records a reminder sent to a place for a month.
type Reminder struct {
	Place string    `json:"lieu"`
	Month string    `json:"mois"`
	By    string    `json:"par"`
	Sent  time.Time `json:"envoye_le"`
}

// Reminders keeps the reminders sent in Root/attendance/reminders.json:
// one per place and month at most.
type Reminders struct {
	Root string
	mu   sync.Mutex
}

// ErrAlreadyReminded is returned by Record for a place already reminded
// of that month.
var ErrAlreadyReminded = errors.New("attendance: place already reminded this month")

func (r *Reminders) path() string { return filepath.Join(r.Root, Dir, "reminders.json") }

// List returns every reminder sent.
func (r *Reminders) List() ([]Reminder, error) { return readList[Reminder](r.path()) }

// Record notes a reminder of place for month, unless one was already
// sent (ErrAlreadyReminded), and then calls send; a failed send records
// nothing.
func (r *Reminders) Record(rem Reminder, send func() error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	list, err := r.List()
	if err != nil {
		return err
	}
	for _, x := range list {
		if x.Place == rem.Place && x.Month == rem.Month {
			return ErrAlreadyReminded
		}
	}
	if err := send(); err != nil {
		return err
	}
	return writeList(r.path(), append(list, rem), 0o640)
}
