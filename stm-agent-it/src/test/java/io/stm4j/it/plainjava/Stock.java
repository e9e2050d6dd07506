package io.stm4j.it.plainjava;

import io.stm4j.Atomic;
import io.stm4j.Shared;
import java.io.Serializable;

/** A business object as reflective frameworks meet it: serializable, cloneable, bean-shaped. */
public class Stock implements Serializable, Cloneable {
    private static final long serialVersionUID = 1L;

    @Shared private String sku;
    @Shared private long quantity;
    @Shared private double price;
    @Shared private boolean active;
    @Shared static int created;

    /** For Jackson and Gson. */
    public Stock() {
    }

    public Stock(String sku, long quantity, double price) {
        this.sku = sku;
        this.quantity = quantity;
        this.price = price;
        this.active = true;
        created++;
    }

    @Atomic
    public void add(long n) {
        quantity += n;
    }

    @Atomic
    public void reprice(double p, String newSku) {
        price = p;
        sku = newSku;
        active = !active;
    }

    public long quantity() {
        return quantity;
    }

    public String sku() {
        return sku;
    }

    public double price() {
        return price;
    }

    public boolean active() {
        return active;
    }

    @Override
    public Stock clone() {
        try {
            return (Stock) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
