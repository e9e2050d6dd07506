package io.stm4j.collections;

import static io.stm4j.collections.Twin.multiset;
import static io.stm4j.collections.Twin.unorderedText;
import static org.assertj.core.api.Assertions.assertThat;

import io.stm4j.testkit.EngineQuiescence;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TxSet} against {@code ConcurrentHashMap.newKeySet()}: the same operations on both, the
 * results (or the exception classes) and the states compared after every one; whatever iterates is
 * compared as a multiset, since the iteration orders differ.
 */
@ExtendWith(EngineQuiescence.class)
class TxSetTckTest {

    static Object state(Set<Integer> s) {
        return List.of(s.size(), s.isEmpty(), new HashSet<>(s), multiset(s));
    }

    static void crossCheck(Set<Integer> stm, Set<Integer> ref) {
        assertThat(stm.equals(ref)).as("stm.equals(ref)").isTrue();
        assertThat(ref.equals(stm)).as("ref.equals(stm)").isTrue();
        assertThat(stm.hashCode()).as("hashCode").isEqualTo(ref.hashCode());
    }

    static Twin<Set<Integer>> twin(Twin.Mode mode) {
        return new Twin<>(TxSet.create(), ConcurrentHashMap.newKeySet(), mode, TxSetTckTest::state,
                TxSetTckTest::crossCheck);
    }

    static Twin<Set<Integer>> filled(int n) {
        Twin<Set<Integer>> t = twin(Twin.Mode.PLAIN);
        t.same("addAll(1.." + n + ")", s -> s.addAll(Stream.iterate(1, i -> i + 1).limit(n).collect(Collectors.toList())));
        return t;
    }

    @Test
    void emptySet() {
        Twin<Set<Integer>> t = twin(Twin.Mode.PLAIN);
        t.same("size", Set::size);
        t.same("isEmpty", Set::isEmpty);
        t.same("contains", s -> s.contains(1));
        t.same("remove", s -> s.remove(1));
        t.same("toString", Set::toString);
        t.same("hashCode", Set::hashCode);
        t.same("equals(Set.of())", s -> s.equals(Set.of()));
        t.same("equals(List.of())", s -> s.equals(List.of()));
        t.same("equals(null)", s -> s.equals(null));
        t.same("toArray", Set::toArray);
        t.same("toArray(Integer[])", s -> s.toArray(new Integer[0]));
        t.same("iterator().hasNext()", s -> s.iterator().hasNext());
        t.same("iterator().next()", s -> s.iterator().next());
        t.same("iterator().remove()", s -> {
            s.iterator().remove();
            return null;
        });
        t.same("clear", s -> {
            s.clear();
            return null;
        });
    }

    @Test
    void addContainsRemove() {
        Twin<Set<Integer>> t = twin(Twin.Mode.PLAIN);
        t.same("add new", s -> s.add(1));
        t.same("add again", s -> s.add(1));
        t.same("contains", s -> s.contains(1));
        t.same("contains another type", s -> ((Set<?>) s).contains("1"));
        t.same("remove another type", s -> ((Set<?>) s).remove("1"));
        t.same("remove", s -> s.remove(1));
        t.same("remove again", s -> s.remove(1));
        t.same("addAll with duplicates", s -> s.addAll(List.of(3, 4, 3, 5)));
        t.same("addAll nothing new", s -> s.addAll(List.of(3, 4)));
        t.same("containsAll", s -> s.containsAll(List.of(3, 5)));
        t.same("containsAll with an absent one", s -> s.containsAll(List.of(3, 6)));
        t.same("containsAll(empty)", s -> s.containsAll(List.of()));
        t.same("toString", Set::toString, Twin::unorderedText);
        t.same("equals(a HashSet)", s -> s.equals(new HashSet<>(List.of(3, 4, 5))));
        t.same("equals(a smaller set)", s -> s.equals(Set.of(3, 4)));
    }

    @Test
    void bulkOperations() {
        Twin<Set<Integer>> t = filled(20);
        t.same("removeAll (a list)", s -> s.removeAll(List.of(1, 2, 99)));
        t.same("removeAll (a bigger set)", s -> s.removeAll(new HashSet<>(Stream.iterate(15, i -> i + 1).limit(30).collect(Collectors.toList()))));
        t.same("removeAll nothing", s -> s.removeAll(List.of(99)));
        t.same("retainAll", s -> s.retainAll(Set.of(3, 4, 5, 6, 7, 8, 99)));
        t.same("retainAll everything", s -> s.retainAll(Set.of(3, 4, 5, 6, 7, 8)));
        t.same("removeIf", s -> s.removeIf(i -> i % 2 == 0));
        t.same("removeIf none", s -> s.removeIf(i -> i > 100));
        t.same("stream sum", s -> s.stream().mapToInt(Integer::intValue).sum());
        t.same("forEach", s -> {
            int[] sum = new int[1];
            s.forEach(i -> sum[0] += i);
            return sum[0];
        });
        t.same("toArray(too small)", s -> s.toArray(new Integer[1]), Twin::multiset);
        t.same("toArray(too big)", s -> {
            Integer[] a = new Integer[10];
            java.util.Arrays.fill(a, -1);
            Integer[] r = s.toArray(a);
            return List.of(r == a, r.length, r[s.size()] == null);
        });
        t.same("clear", s -> {
            s.clear();
            return s.isEmpty();
        });
    }

    @Test
    void iteratorProtocol() {
        Twin<Set<Integer>> t = filled(6);
        t.same("remove before next", s -> {
            s.iterator().remove();
            return null;
        });
        t.same("remove twice", s -> {
            Iterator<Integer> it = s.iterator();
            it.next();
            it.remove();
            it.remove();
            return null;
        });
        t.same("remove the odd ones through the iterator", s -> {
            int n = 0;
            for (Iterator<Integer> it = s.iterator(); it.hasNext(); ) {
                if (it.next() % 2 == 1) {
                    it.remove();
                    n++;
                }
            }
            return n;
        });
        t.same("exhausted", s -> {
            Iterator<Integer> it = s.iterator();
            while (it.hasNext()) {
                it.next();
            }
            return it.next();
        });
        t.same("forEachRemaining", s -> {
            List<Integer> seen = new java.util.ArrayList<>();
            s.iterator().forEachRemaining(seen::add);
            return multiset(seen);
        });
    }

    static Stream<Arguments> nullArguments() {
        return Stream.of(
                op("add(null)", s -> s.add(null)),
                op("contains(null)", s -> s.contains(null)),
                op("remove(null)", s -> s.remove(null)),
                op("addAll(null)", s -> s.addAll(null)),
                op("containsAll(null)", s -> s.containsAll(null)),
                op("removeAll(null)", s -> s.removeAll(null)),
                op("retainAll(null)", s -> s.retainAll(null)),
                op("removeIf(null)", s -> s.removeIf(null)),
                op("forEach(null)", s -> {
                    s.forEach(null);
                    return null;
                }),
                op("toArray(null)", s -> s.toArray((Integer[]) null)))
                .map(Arguments::of);
    }

    private static Object[] op(String name, Twin.Op<Set<Integer>, Object> op) {
        return new Object[] {name, op};
    }

    /** (addAll of a collection holding a null differs on purpose: TxSet adds nothing, see TxCollectionsTest.) */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nullArguments")
    void badArgumentsAreRejectedAsTheReferenceRejectsThem(String name, Twin.Op<Set<Integer>, Object> op) {
        filled(3).same(name, op);
    }

    static Stream<Arguments> randomRuns() {
        return Stream.of(Twin.Mode.values()).flatMap(mode -> Stream.of(1L, 2L).map(seed -> Arguments.of(mode, seed)));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("randomRuns")
    void randomOperationSequences(Twin.Mode mode, long seed) {
        Twin<Set<Integer>> t = twin(mode);
        Random rnd = new Random(seed);
        int ops = 2000;
        if (mode == Twin.Mode.BATCHED) {
            while (t.steps() < ops) {
                t.inOneTransaction(() -> {
                    for (int i = 0; i < 40; i++) {
                        randomStep(t, rnd);
                    }
                });
                t.checkState("the batch's commit");
            }
        } else {
            while (t.steps() < ops) {
                randomStep(t, rnd);
            }
        }
    }

    private static void randomStep(Twin<Set<Integer>> t, Random rnd) {
        int e = rnd.nextInt(40);
        int e2 = rnd.nextInt(40);
        int r = rnd.nextInt(7);
        switch (rnd.nextInt(12)) {
            case 0:
            case 1:
            case 2:
                t.same("add(" + e + ")", s -> s.add(e));
            break;
            case 3:
            case 4:
                t.same("remove(" + e + ")", s -> s.remove(e));
                break;
            case 5:
                t.same("contains(" + e + ")", s -> s.contains(e));
                break;
            case 6:
                t.same("addAll(" + e + ", " + e2 + ")", s -> s.addAll(List.of(e, e2, (e + 1) % 40)));
                break;
            case 7:
                t.same("removeAll(" + e + ", " + e2 + ")", s -> s.removeAll(List.of(e, e2)));
                break;
            case 8:
                t.same("removeIf(% 7 == " + r + ")", s -> s.removeIf(x -> x % 7 == r));
                break;
            case 9:
                t.same("iterator remove % 5 == " + (r % 5), s -> {
                    int n = 0;
                    for (Iterator<Integer> it = s.iterator(); it.hasNext(); ) {
                        if (it.next() % 5 == r % 5) {
                            it.remove();
                            n++;
                        }
                    }
                    return n;
                });
                break;
            case 10:
                t.same("toString", Set::toString, s -> unorderedText(s));
                break;
            default:
                if (rnd.nextInt(10) == 0) {
                    t.same("clear", s -> {
                        s.clear();
                        return null;
                    });
                } else {
                    t.same("size", Set::size);
                }
        }
    }
}
