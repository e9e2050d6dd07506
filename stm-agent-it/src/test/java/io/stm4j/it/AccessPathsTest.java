package io.stm4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stm4j.Stm;
import io.stm4j.it.other.SavingsAccount;
import io.stm4j.testkit.OtherThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every way code can reach a @Shared field is rewritten: each path is proven transactional by a
 * write that another thread cannot see before commit, and that a rollback undoes.
 */
class AccessPathsTest {
    private final OtherThread other = new OtherThread();

    @AfterEach
    void close() throws InterruptedException {
        other.close();
    }

    /** Runs {@code write} in a transaction that fails; then in one that commits. */
    private void provesTransactional(Runnable write, java.util.function.Supplier<Object> read,
                                     Object before, Object after) {
        assertThat(read.get()).isEqualTo(before);
        assertThatThrownBy(() -> Stm.atomic(() -> {
            write.run();
            assertThat(read.get()).as("the transaction sees its own write").isEqualTo(after);
            other.run(() -> assertThat(read.get()).as("others do not see it before commit").isEqualTo(before));
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(read.get()).as("rolled back").isEqualTo(before);
        Stm.atomic(write);
        assertThat(read.get()).as("committed").isEqualTo(after);
        other.run(() -> assertThat(read.get()).as("committed, seen by others").isEqualTo(after));
    }

    @Test
    void declaringClass() {
        Account a = new Account(10);
        provesTransactional(() -> a.deposit(5), a::balance, 10L, 15L);
    }

    @Test
    void anotherClassOfThePackage() {
        Account a = new Account(10);
        provesTransactional(() -> Teller.rename(a, "ann"), () -> Teller.ownerOf(a), "nobody", "ann");
    }

    @Test
    void aSubclassInAnotherPackage() {
        SavingsAccount s = new SavingsAccount(10, 150);
        provesTransactional(() -> s.setBps(200), s::bps, 150, 200);
        assertThat(SavingsAccount.bpsOf(s)).isEqualTo(200);
    }

    @Test
    void aNestMate() {
        Account a = new Account(10);
        Account.Auditor auditor = a.new Auditor();
        provesTransactional(() -> auditor.force(99), auditor::seen, 10L, 99L);
        assertThat(a.balance()).isEqualTo(99);
    }

    @Test
    void aLambdaBody() {
        Account a = new Account(10);
        provesTransactional(a.setter(42), a::balance, 10L, 42L);
    }

    @Test
    void aStaticField() {
        long now = Teller.opened();
        provesTransactional(() -> Teller.setOpened(now + 100), Teller::opened, now, now + 100);
    }

    @Test
    void outsideATransactionAWriteCommitsOnItsOwn() {
        Account a = new Account(1);
        Account.Auditor auditor = a.new Auditor();
        auditor.force(7);
        other.run(() -> assertThat(a.balance()).isEqualTo(7));
    }
}
