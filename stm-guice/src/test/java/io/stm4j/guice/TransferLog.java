package io.stm4j.guice;

/** A collaborator told about each committed transfer (an audit trail, a message queue...). */
interface TransferLog {
    void transferred(int from, int to, long amount);
}
