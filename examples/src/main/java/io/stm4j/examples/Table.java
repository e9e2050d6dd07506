package io.stm4j.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: the first column left-aligned, the others right-aligned. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> rules = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
        rules.add(1);
    }

    /** Adds a row; numbers are printed with thousands separators. */
    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] instanceof Long || cells[i] instanceof Integer ? n(((Number) cells[i]).longValue())
                    : String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    /** A horizontal rule before the next row. */
    Table rule() {
        rules.add(rows.size());
        return this;
    }

    void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        java.util.Arrays.fill(width, 1);
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < columns; i++) {
            line.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        for (int k = 0; k < rows.size(); k++) {
            if (rules.contains(k)) {
                out.println(line);
            }
            String[] r = rows.get(k);
            StringBuilder b = new StringBuilder("  ");
            for (int i = 0; i < columns; i++) {
                String cell = i < r.length ? r[i] : "";
                b.append(i == 0 ? "" : " | ");
                String format = "%" + (i == 0 ? "-" : "") + width[i] + "s"; // first column left-aligned
                b.append(String.format(format, cell));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    /** A number with thousands separators, the same in every locale: 1,234,567. */
    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** Seconds with one decimal. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
