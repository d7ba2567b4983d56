package dev.aegis.gateway.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 CIDR block (RFC 4632, RFC 4291 §2.3), parsed from numeric notation only (never a DNS
 * lookup). IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are matched as the IPv4 address they carry, so
 * a deny of {@code 10.0.0.0/8} cannot be bypassed over an IPv6 socket. Immutable; thread-safe.
 */
final class CidrBlock {

    private final byte[] network;
    private final int prefix;

    private CidrBlock(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** @param cidr e.g. {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address @throws IllegalArgumentException */
    static CidrBlock parse(String cidr) {
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = numericAddress(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("not a numeric IPv4 or IPv6 address");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length out of range");
            }
        }
        return new CidrBlock(mask(bytes, prefix), prefix);
    }

    /** @param address raw address bytes (4 or 16) @return whether it lies in this block */
    boolean contains(byte[] address) {
        byte[] a = unmap(address);
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & m) == (network[full] & m);
    }

    /** IPv4-mapped IPv6 (::ffff:0:0/96) to IPv4. */
    static byte[] unmap(byte[] a) {
        if (a.length != 16) {
            return a;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return a;
            }
        }
        if (a[10] != (byte) 0xFF || a[11] != (byte) 0xFF) {
            return a;
        }
        return new byte[] {a[12], a[13], a[14], a[15]};
    }

    /** Numeric literal only: {@link InetAddress#getByName} is safe once the text cannot be a host name. */
    static byte[] numericAddress(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        boolean colon = text.indexOf(':') >= 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || (colon && (c == ':' || (c >= 'a' && c <= 'f')
                    || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(colon ? text : strictIpv4(text)).getAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String strictIpv4(String text) {
        String[] parts = text.split("\\.", -1); // config time only
        if (parts.length != 4) {
            throw new IllegalArgumentException("IPv4 needs four parts");
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IllegalArgumentException("bad IPv4 part");
            }
        }
        return text;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - bits)));
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
