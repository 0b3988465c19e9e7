package fetch

import (
	"fmt"
	"net/netip"
	"syscall"
)

// Egress is the policy on destination addresses. The zero value allows only
// public unicast addresses: loopback, private (RFC 1918, shared CGNAT
// 100.64/10, IPv6 ULA fc00::/7), link-local, unspecified, multicast,
// broadcast and 0.0.0.0/8 are refused. An IPv6 address that carries an
// IPv4 one (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by
// the IPv4 address. It is checked on the resolved IP at
// dial time, so DNS cannot bypass it. When an HTTP proxy is configured in
// the environment, the address checked is the proxy's.
type Egress struct {
	// AllowLoopback allows 127.0.0.0/8 and ::1 (tests, a local mirror).
	AllowLoopback bool
	// AllowPrivate allows private and link-local unicast addresses (a
	// source on the same private network).
	AllowPrivate bool
}

var (
	sharedCGNAT = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	nat64       = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// embeddedIPv4 returns the IPv4 address that a NAT64 or 6to4 address
// reaches through its gateway.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// allows reports whether the policy lets a connection reach a.
func (e Egress) allows(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if v4, ok := embeddedIPv4(a); ok {
		a = v4
	}
	switch {
	case !a.IsValid():
		return false
	case a.IsLoopback():
		return e.AllowLoopback
	case a.IsPrivate(), a.IsLinkLocalUnicast(), a.Is4() && sharedCGNAT.Contains(a):
		return e.AllowPrivate
	case a.Is4() && thisNetwork.Contains(a):
		return false
	}
	// IsGlobalUnicast excludes unspecified, multicast and the IPv4 broadcast.
	return a.IsGlobalUnicast()
}

// control is a net.Dialer Control hook: address is the resolved ip:port.
func (e Egress) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s (unparsable address)", ErrEgressDenied, address)
	}
	if !e.allows(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrEgressDenied, ap.Addr())
	}
	return nil
}
