package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrBlockTest {

    static byte[] ip(String s) throws Exception {
        return InetAddress.getByName(s).getAddress();
    }

    @Test
    void ipv4BlocksMatchOnThePrefix() throws Exception {
        CidrBlock b = CidrBlock.parse("10.1.0.0/16");
        assertTrue(b.contains(ip("10.1.255.7")));
        assertFalse(b.contains(ip("10.2.0.1")));
        assertTrue(CidrBlock.parse("192.168.1.7").contains(ip("192.168.1.7")));
        assertTrue(CidrBlock.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertTrue(CidrBlock.parse("10.0.0.0/9").contains(ip("10.127.0.1")));
        assertFalse(CidrBlock.parse("10.0.0.0/9").contains(ip("10.128.0.1")));
    }

    @Test
    void ipv6BlocksMatchAndDoNotMatchIpv4() throws Exception {
        CidrBlock b = CidrBlock.parse("2001:db8::/32");
        assertTrue(b.contains(ip("2001:db8:ffff::1")));
        assertFalse(b.contains(ip("2001:db9::1")));
        assertFalse(b.contains(ip("10.0.0.1")));
    }

    @Test
    void ipv4MappedIpv6AddressCannotBypassAnIpv4Deny() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 5;
        assertTrue(CidrBlock.parse("10.0.0.0/8").contains(mapped));
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "10.0.0.0/33", "10.0.0/8", "10.0.0.256", "010.0.0.1", "::1/129", "10.0.0.0/x", ""})
    void badBlocksAreRefusedWithoutADnsLookup(String cidr) {
        assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse(cidr));
    }

    @Test
    void printsTheNormalisedBlock() {
        assertEquals("10.0.0.0/8", CidrBlock.parse("10.9.9.9/8").toString());
    }
}
