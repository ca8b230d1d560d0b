package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolStatus;
import dev.vigil.api.v1alpha1.PoolSpec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * Connection budgets, one pool's own or shared by name between the pools of a namespace.
 *
 * <p>The members of a shared budget are found in the operator's cache of InstrumentedServices (every pool in the
 * namespace whose budget has that name); what each holds is what this operator last decided or delivered for it,
 * or, for a member not decided since the operator started, the larger of what its status says and what its app was
 * last given (a restart between the delivery and the status write must not let another pool spend it twice). The smallest
 * {@code maxConnections} any member declares is the budget. Decisions on one budget are serialised: {@link #allocate}
 * takes the budget's lock and {@link #decided} releases it, so two pools never grow into the same free connections.
 */
@ApplicationScoped
public class BudgetLedger {
    /** A pool's share of its budget, and the lock held until {@link #decided} records the outcome. */
    public record Allocation(String budgetKey, String member, int maxConnections, int share, int othersHold) {
    }

    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** budget key → member → connections held (size × replicas), as last decided or delivered. */
    private final Map<String, Map<String, Integer>> holds = new ConcurrentHashMap<>();

    static String member(String service, String pool) {
        return service + "/" + pool;
    }

    /**
     * @param delivered what a pool's app was last given (its ConfigMap key or env var), read for a member this
     *                  operator has not decided or delivered since it started: a restart between the delivery and
     *                  the status write leaves the status one size behind what the app holds
     */
    public Allocation allocate(InstrumentedService service, PoolSpec pool, int holdsNow, int wants,
            List<InstrumentedService> namespaceServices, BiFunction<InstrumentedService, PoolSpec, Optional<Integer>> delivered) {
        String ns = service.getMetadata().getNamespace();
        String me = member(service.getMetadata().getName(), pool.name);
        if (pool.budget.name == null) {
            return new Allocation(null, me, pool.budget.maxConnections, pool.budget.maxConnections, 0);
        }
        String key = ns + "/" + pool.budget.name;
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        Map<String, Integer> recorded = holds.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        int max = pool.budget.maxConnections;
        List<BudgetShares.Member> others = new ArrayList<>();
        for (InstrumentedService other : namespaceServices) {
            if (!ns.equals(other.getMetadata().getNamespace())) {
                continue;
            }
            for (PoolSpec p : other.getSpec().pools) {
                if (p.budget == null || !pool.budget.name.equals(p.budget.name)) {
                    continue;
                }
                String id = member(other.getMetadata().getName(), p.name);
                if (id.equals(me)) {
                    continue;
                }
                max = Math.min(max, p.budget.maxConnections);
                PoolStatus st = other.getStatus() == null || other.getStatus().pools == null ? null
                        : other.getStatus().pools.stream().filter(s -> p.name.equals(s.name)).findFirst().orElse(null);
                int replicas = st != null && st.replicas != null ? st.replicas : 1;
                int statusHolds = st != null && st.size != null ? st.size * replicas : PoolRules.initial(p) * replicas;
                Integer held = recorded.get(id);
                if (held == null) {
                    int given = delivered.apply(other, p).map(size -> size * replicas).orElse(0);
                    held = Math.max(statusHolds, given);
                    recorded.put(id, held);
                }
                int want = st != null && st.desiredSize != null
                        ? Math.max(p.size.min, Math.min(p.size.max, st.desiredSize)) * replicas : held;
                others.add(new BudgetShares.Member(id, held, want));
            }
        }
        int share = BudgetShares.share(max, new BudgetShares.Member(me, holdsNow, wants), others);
        int othersHold = others.stream().mapToInt(BudgetShares.Member::holds).sum();
        return new Allocation(key, me, max, share, othersHold);
    }

    /** Records what the pool may hold from now on (the larger of its old and new size until delivery) and unlocks. */
    public void decided(Allocation allocation, int holds) {
        if (allocation.budgetKey() == null) {
            return;
        }
        try {
            this.holds.computeIfAbsent(allocation.budgetKey(), k -> new ConcurrentHashMap<>()).put(allocation.member(), holds);
        } finally {
            locks.get(allocation.budgetKey()).unlock();
        }
    }

    /** Records what the pool holds once its new size is delivered. */
    public void delivered(String namespace, String budgetName, String member, int holds) {
        String key = namespace + "/" + budgetName;
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            this.holds.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(member, holds);
        } finally {
            lock.unlock();
        }
    }
}
