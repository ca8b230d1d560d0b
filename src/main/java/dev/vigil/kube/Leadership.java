package dev.vigil.kube;

import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Who leads, as this replica sees it: its own identity in the leader election (the pod name, from HOSTNAME), whether
 * it holds the Lease, and the holder it last observed. Leader election feeds it (its callbacks); without leader
 * election (a local process, the tests) nobody else ever leads, so every request is this replica's to answer.
 */
@Singleton
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    private final String identity;
    private volatile boolean leading;
    private volatile String leader;
    private volatile boolean shuttingDown;
    private volatile boolean leadingAtShutdown;

    public Leadership() {
        this.identity = defaultIdentity();
    }

    /** The pod's name in-cluster (HOSTNAME), else this machine's host name. */
    static String defaultIdentity() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "vigil-operator";
        }
    }

    public String identity() {
        return identity;
    }

    public boolean leading() {
        return leading;
    }

    /** The identity of the replica that holds the Lease, when it is known and is not this one. */
    public Optional<String> otherLeader() {
        String l = leader;
        return leading || l == null || l.isBlank() || l.equals(identity) ? Optional.empty() : Optional.of(l);
    }

    public void startedLeading() {
        leading = true;
        leader = identity;
        LOG.infof("%s leads", identity);
    }

    public void stoppedLeading() {
        leading = false;
        LOG.infof("%s stopped leading", identity);
    }

    /** The process is stopping: losing the Lease from now on is expected. Remembers whether it led until then. */
    public void shuttingDown() {
        leadingAtShutdown = leading;
        shuttingDown = true;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Whether this replica led when its shutdown began (so that it is the one to hand the Lease back). */
    public boolean ledAtShutdown() {
        return shuttingDown && leadingAtShutdown;
    }

    public void observedLeader(String holder) {
        if (holder != null && !holder.equals(leader)) {
            LOG.infof("%s observes %s as the leader", identity, holder);
        }
        leader = holder;
    }
}
