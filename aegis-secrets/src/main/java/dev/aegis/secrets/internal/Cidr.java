package dev.aegis.secrets.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An IPv4 or IPv6 CIDR block (RFC 4632) for CIDR bindings of secret IDs and tokens. A bare address is a /32
 * (or /128). Parsing accepts only literal addresses, never host names (no DNS lookups).
 *
 * @param network the network address bytes
 * @param prefix  prefix length
 * @param text    the block as given
 */
record Cidr(byte[] network, int prefix, String text) {

    static Cidr parse(String s) {
        String t = s.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw VaultError.badRequest("invalid CIDR block \"" + t + "\"");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw VaultError.badRequest("invalid CIDR block \"" + t + "\"");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw VaultError.badRequest("invalid CIDR block \"" + t + "\"");
            }
        }
        return new Cidr(bytes, prefix, t);
    }

    static List<Cidr> parseAll(List<String> blocks) {
        List<Cidr> out = new ArrayList<>(blocks.size());
        for (String b : blocks) {
            out.add(parse(b));
        }
        return out;
    }

    /** @return whether {@code address} (a literal IP) lies in any block; an empty list allows every address */
    static boolean anyContains(List<Cidr> blocks, String address) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] a = address == null ? null : literal(address);
        if (a == null) {
            return false;
        }
        for (Cidr c : blocks) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static boolean dottedQuad(String a) {
        int dots = 0;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static byte[] literal(String addr) {
        String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
        if (a.isEmpty()) {
            return null;
        }
        boolean ipv4 = true;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
                return null; // not a literal: refuse instead of resolving a name
            }
            if (c == ':') {
                ipv4 = false;
            }
        }
        if (ipv4 && !dottedQuad(a)) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
