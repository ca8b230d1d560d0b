package dev.vigil.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * How many records each LogParserRule's operators failed on, as the agents report it. An agent's vigilrules processor
 * counts, by rule, the records a step of the rule could not parse (the record goes on unparsed) since the process
 * started, and sends the counts with every poll ({@value #HEADER}, with its node in {@value #AGENT_HEADER}). This keeps
 * what each agent last said and adds up what it reports on top: an agent whose counts went down restarted and counts
 * from zero again. An agent's first report after this replica started (or took the lead) is its baseline, so nothing
 * is counted twice; what failed between the two is not counted. The tally of a rule starts again when the generation
 * it is served changes ({@link #tally}); a platform default rule's when its fleet's generation does
 * ({@link #tallyDefault}). What is kept is a few numbers per rule and per agent (node) of each fleet; a
 * deleted rule's or node's stay until the process ends.
 */
@ApplicationScoped
public class ParseFailures {
    public static final String HEADER = "X-Vigil-Parse-Failures";
    public static final String AGENT_HEADER = "X-Vigil-Agent";
    /** A report is a few dozen bytes a rule; anything larger than this is not an agent's. */
    static final int MAX_REPORT = 64 * 1024;
    private static final Pattern RULE_KEY = Pattern.compile("lpr/[a-z0-9.-]{1,63}/[a-z0-9.-]{1,253}");
    private static final Pattern DEFAULT_KEY = Pattern.compile("default/[a-z0-9-]{1,63}");
    private static final Logger LOG = Logger.getLogger(ParseFailures.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A rule's failures counted since {@code generation} was served, and when the last one was reported. */
    public record Tally(long generation, long records, Instant last) {
        /** {@link #last} as a status holds it (RFC 3339, whole seconds), or null. */
        public String lastTime() {
            return last == null ? null : last.truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    /** A status's last failure time ({@link Tally#lastTime}) back as an instant, or null. */
    public static Instant time(String statusTime) {
        return statusTime == null ? null : Instant.parse(statusTime);
    }

    /** By fleet and agent: the counts it last reported. */
    private final Map<ResourceID, Map<String, Map<String, Long>>> reported = new ConcurrentHashMap<>();
    /** By rule. */
    private final Map<ResourceID, Tally> tallies = new ConcurrentHashMap<>();
    /** The platform's default rules, by fleet and rule name. */
    private final Map<ResourceID, Map<String, Tally>> defaults = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    /** Takes one poll's report of {@code agent} in {@code fleet}; a malformed report is ignored whole. */
    public void report(ResourceID fleet, String agent, String header) {
        if (header == null || header.isEmpty()) {
            return;
        }
        Optional<Map<String, Long>> counts = parse(header);
        if (counts.isEmpty()) {
            LOG.debugf("ignoring a malformed parse-failure report from an agent of %s", fleet);
            return;
        }
        String who = agent == null || agent.isBlank() ? "" : agent.strip();
        Map<String, Map<String, Long>> agents = reported.computeIfAbsent(fleet, f -> new ConcurrentHashMap<>());
        Map<String, Long> before = agents.put(who, counts.get());
        if (before == null) {
            return; // the baseline
        }
        Instant now = clock.instant();
        counts.get().forEach((key, now_) -> {
            long was = before.getOrDefault(key, 0L);
            long added = now_ >= was ? now_ - was : now_;
            if (added > 0) {
                String[] parts = key.split("/", 3);
                if (parts[0].equals("default")) {
                    defaults.computeIfAbsent(fleet, f -> new ConcurrentHashMap<>())
                            .compute(parts[1], (name, t) -> add(t, added, now));
                } else {
                    tallies.compute(new ResourceID(parts[2], parts[1]), (rule, t) -> add(t, added, now));
                }
            }
        });
    }

    /**
     * The rule's failures since {@code generation} was served. A tally of another generation (or one this replica
     * began before it knew the generation) starts again from {@code seed}, the count the rule's status holds for this
     * generation (0 when it holds none), so a restarted operator goes on from its status.
     */
    public Tally tally(ResourceID rule, long generation, long seed, Instant seedLast) {
        return tallies.compute(rule, (r, t) -> at(t, generation, seed, seedLast));
    }

    /**
     * A default rule of {@code fleet}: its failures since the fleet's {@code generation} (its default rules are part of
     * its spec), as {@link #tally}.
     */
    public Tally tallyDefault(ResourceID fleet, String name, long generation, long seed, Instant seedLast) {
        return defaults.computeIfAbsent(fleet, f -> new ConcurrentHashMap<>())
                .compute(name, (n, t) -> at(t, generation, seed, seedLast));
    }

    private static Tally add(Tally t, long added, Instant now) {
        return t == null ? new Tally(-1, added, now) : new Tally(t.generation(), t.records() + added, now);
    }

    private static Tally at(Tally t, long generation, long seed, Instant seedLast) {
        if (t == null) {
            return new Tally(generation, seed, seedLast);
        }
        if (t.generation() == generation) {
            return t;
        }
        // Counted before this replica knew the generation: they belong to it (a restart), else to an older one.
        return t.generation() == -1 ? new Tally(generation, seed + t.records(), t.last()) : new Tally(generation, 0, null);
    }

    static Optional<Map<String, Long>> parse(String header) {
        if (header.length() > MAX_REPORT) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        Map<String, Long> counts = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
                return Optional.empty();
            }
            // Rules only (the enrichment is no rule).
            if (RULE_KEY.matcher(e.getKey()).matches() || DEFAULT_KEY.matcher(e.getKey()).matches()) {
                counts.put(e.getKey(), e.getValue().asLong());
            }
        }
        return Optional.of(counts);
    }
}
