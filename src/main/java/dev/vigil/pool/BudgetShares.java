package dev.vigil.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a connection budget shared by several pools. Pure.
 *
 * <p>Each member counts with what it holds (size × replicas) and what it wants (its next size × replicas). A pool
 * may hold at most the smaller of
 * <ul>
 * <li>its fair share: the budget split by max-min fairness over max(holds, wants) of every member (so a pool that
 * wants less than an equal split leaves the rest to the others), and</li>
 * <li>what the others leave free: the budget minus what every other member holds now.</li>
 * </ul>
 * A pool therefore only grows into connections nobody holds, and a pool holding more than its fair share while
 * others wait for connections gives back the difference; the sum never passes the budget as long as the members'
 * decisions are made one at a time (the ledger serialises them).
 */
public final class BudgetShares {
    /** One member of a shared budget, in connections over all its replicas. */
    public record Member(String id, int holds, int wants) {
    }

    private BudgetShares() {
    }

    /** The connections {@code me} may hold. */
    public static int share(int maxConnections, Member me, List<Member> others) {
        List<Member> all = new ArrayList<>(others);
        all.add(me);
        int fair = fairShares(maxConnections, all).get(all.size() - 1);
        long othersHold = others.stream().mapToLong(Member::holds).sum();
        long free = Math.max(0, maxConnections - othersHold);
        return (int) Math.min(fair, free);
    }

    /** Max-min fair split of {@code capacity} over the members' demands max(holds, wants), in the members' order. */
    static List<Integer> fairShares(int capacity, List<Member> members) {
        int n = members.size();
        int[] demand = new int[n];
        for (int i = 0; i < n; i++) {
            demand[i] = Math.max(members.get(i).holds(), members.get(i).wants());
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> demand[i]).thenComparing(i -> members.get(i).id()));
        int[] grant = new int[n];
        long left = capacity;
        for (int k = 0; k < n; k++) {
            int i = order.get(k);
            long equal = left / (n - k);
            grant[i] = (int) Math.min(demand[i], equal);
            left -= grant[i];
        }
        // What the floor divisions left over goes one connection at a time to members still short, largest first.
        boolean gave = true;
        while (left > 0 && gave) {
            gave = false;
            for (int k = n - 1; k >= 0 && left > 0; k--) {
                int i = order.get(k);
                if (grant[i] < demand[i]) {
                    grant[i]++;
                    left--;
                    gave = true;
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int g : grant) {
            out.add(g);
        }
        return out;
    }
}
