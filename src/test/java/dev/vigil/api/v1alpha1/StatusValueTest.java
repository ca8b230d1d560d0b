package dev.vigil.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of every status type takes part in the "did status change?" check and in copies: the reconcilers
 * patch status only when it differs, so a field left out would never reach the API server.
 */
class StatusValueTest {
    @Test
    void everyStatusFieldTakesPartInEqualityAndCopies() throws Exception {
        Set<Class<?>> types = new LinkedHashSet<>();
        collect(InstrumentedServiceStatus.class, types);
        collect(TelemetryCollectorStatus.class, types);
        assertThat(types).contains(InstrumentedServiceStatus.PoolStatus.class, InstrumentedServiceStatus.PoolBudget.class,
                InstrumentedServiceStatus.SloStatus.class, InstrumentedServiceStatus.WorkloadStatus.class);
        int checked = 0;
        for (Class<?> type : types) {
            for (Field f : fields(type)) {
                StatusValue plain = (StatusValue) type.getDeclaredConstructor().newInstance();
                StatusValue changed = (StatusValue) type.getDeclaredConstructor().newInstance();
                f.set(changed, sample(f.getGenericType()));
                assertThat(changed).as(type.getSimpleName() + "." + f.getName() + " must take part in equals")
                        .isNotEqualTo(plain);
                StatusValue copy = changed.deepCopy();
                assertThat(copy).as(type.getSimpleName() + "." + f.getName() + " must survive a copy").isEqualTo(changed)
                        .isNotSameAs(changed);
                assertThat(f.get(copy)).as(type.getSimpleName() + "." + f.getName()).isNotNull();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(40);
    }

    @Test
    void aCopyIsIndependentOfItsSource() {
        InstrumentedServiceStatus s = new InstrumentedServiceStatus();
        s.pools = new ArrayList<>(List.of(new InstrumentedServiceStatus.PoolStatus()));
        s.pools.get(0).size = 5;
        InstrumentedServiceStatus copy = s.deepCopy();
        copy.pools.get(0).size = 6;
        assertThat(s.pools.get(0).size).isEqualTo(5);
        assertThat(copy).isNotEqualTo(s);
    }

    private static void collect(Class<?> type, Set<Class<?>> out) {
        if (!StatusValue.class.isAssignableFrom(type) || !out.add(type)) {
            return;
        }
        for (Field f : fields(type)) {
            collect(raw(f.getGenericType()), out);
            if (f.getGenericType() instanceof ParameterizedType p) {
                for (Type arg : p.getActualTypeArguments()) {
                    collect(raw(arg), out);
                }
            }
        }
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && !Modifier.isStatic(f.getModifiers())) {
                out.add(f);
            }
        }
        return out;
    }

    private static Class<?> raw(Type t) {
        return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> c ? c : Object.class;
    }

    private static Object sample(Type type) throws Exception {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return "x";
        } else if (raw == Integer.class) {
            return 7;
        } else if (raw == Long.class) {
            return 7L;
        } else if (raw == Boolean.class) {
            return true;
        } else if (raw == Condition.class) {
            return new ConditionBuilder().withType("T").withStatus("True").withReason("R").build();
        } else if (raw == io.fabric8.kubernetes.api.model.LabelSelector.class) {
            return new LabelSelectorBuilder().addToMatchLabels("app", "x").build();
        } else if (raw == List.class) {
            return new ArrayList<>(List.of(sample(((ParameterizedType) type).getActualTypeArguments()[0])));
        } else if (raw == Map.class) {
            return Map.of("k", sample(((ParameterizedType) type).getActualTypeArguments()[1]));
        } else if (StatusValue.class.isAssignableFrom(raw)) {
            return raw.getDeclaredConstructor().newInstance();
        }
        throw new AssertionError("no sample value for " + type + ": add one here");
    }
}
