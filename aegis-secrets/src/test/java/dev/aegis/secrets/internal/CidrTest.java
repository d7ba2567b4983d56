package dev.aegis.secrets.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void blocksContainTheirAddressesOnly() {
        List<Cidr> blocks = Cidr.parseAll(List.of("10.1.0.0/16", "192.168.1.7", "2001:db8::/32"));
        assertTrue(Cidr.anyContains(blocks, "10.1.255.1"));
        assertFalse(Cidr.anyContains(blocks, "10.2.0.1"));
        assertTrue(Cidr.anyContains(blocks, "192.168.1.7"));
        assertFalse(Cidr.anyContains(blocks, "192.168.1.8"));
        assertTrue(Cidr.anyContains(blocks, "2001:db8:1::5"));
        assertFalse(Cidr.anyContains(blocks, "2001:db9::1"));
        assertTrue(Cidr.anyContains(Cidr.parseAll(List.of("10.0.0.0/9")), "10.127.0.1"));
        assertFalse(Cidr.anyContains(Cidr.parseAll(List.of("10.0.0.0/9")), "10.128.0.1"));
    }

    @Test
    void noBindingAllowsEveryAddressButAnUnknownAddressNeverMatchesABinding() {
        assertTrue(Cidr.anyContains(List.of(), "203.0.113.9"));
        assertFalse(Cidr.anyContains(Cidr.parseAll(List.of("0.0.0.0/0")), null));
        assertFalse(Cidr.anyContains(Cidr.parseAll(List.of("0.0.0.0/0")), "example.com"));
    }

    @Test
    void hostNamesAndMalformedBlocksAreRefusedWithoutADnsLookup() {
        for (String bad : new String[] {"example.com", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/x", "", "abc.def.1.2"}) {
            VaultError e = assertThrows(VaultError.class, () -> Cidr.parse(bad), bad);
            assertEquals(400, e.status());
        }
    }
}
