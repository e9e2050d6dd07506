package io.stm4j.it;

/** Another class of the package: touches Account's package-private and static fields directly. */
final class Teller {
    private Teller() {
    }

    static void rename(Account a, String owner) {
        a.owner = owner;
    }

    static String ownerOf(Account a) {
        return a.owner;
    }

    static long opened() {
        return Account.opened;
    }

    static void setOpened(long n) {
        Account.opened = n;
    }
}
