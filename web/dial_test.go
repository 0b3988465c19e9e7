package web

import (
	"net"
	"time"
)

// netDialer opens raw TCP connections for tests that must send request
// lines no HTTP client would produce.
type netDialer struct{}

func (netDialer) dial(addr string) (net.Conn, error) {
	return net.DialTimeout("tcp", addr, 5*time.Second)
}
