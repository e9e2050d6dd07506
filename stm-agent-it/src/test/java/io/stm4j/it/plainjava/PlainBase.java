package io.stm4j.it.plainjava;

/** A cloneable base class that mentions nothing of stm4j: its subclass declares the @Shared field. */
public class PlainBase implements Cloneable {
    public PlainBase copy() {
        try {
            return (PlainBase) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
