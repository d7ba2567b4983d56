package dev.aegis.policy.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the authorization engine ({@code policy.*} configuration keys). Immutable; {@link #defaults()} are
 * OpenFGA's limits where OpenFGA has one.
 *
 * @param maxDepth              nested resolutions per check before {@code authorization_model_resolution_too_complex} (OpenFGA: 25)
 * @param maxListResults        results of list-objects / list-users (OpenFGA: 1000)
 * @param maxListVisited        expansion nodes a list call may visit before it is refused
 * @param parallelUnions        evaluate top-level union branches concurrently on virtual threads
 * @param maxParallelBranches   virtual threads all checks together may use for union branches
 * @param decisionCacheSize     decisions cached per snapshot (keyed by the snapshot's consistency token)
 * @param pollInterval          how often the change log is read for other nodes' writes
 * @param auditAllowSampleRate  fraction of allowed checks that are audited (denials always are), 0..1
 * @param maxTuplesPerWrite     tuples per write request (OpenFGA: 100)
 * @param maxContextualTuples   contextual tuples per request (OpenFGA: 100)
 * @param maxResolutions        resolutions one check may make before it is refused (a graph of many paths)
 */
public record AuthzSettings(int maxDepth, int maxListResults, int maxListVisited, boolean parallelUnions,
                            int maxParallelBranches, int decisionCacheSize, Duration pollInterval,
                            double auditAllowSampleRate, int maxTuplesPerWrite, int maxContextualTuples,
                            int maxResolutions) {
    public AuthzSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        // The evaluator recurses once per level; 100 keeps even explained checks far from any thread's stack size.
        if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
            throw new IllegalArgumentException("maxDepth must be 1.." + MAX_DEPTH_LIMIT);
        }
        if (maxListResults < 1 || maxListVisited < 1 || maxParallelBranches < 1 || decisionCacheSize < 0
                || maxTuplesPerWrite < 1 || maxContextualTuples < 0 || maxResolutions < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (!(auditAllowSampleRate >= 0 && auditAllowSampleRate <= 1)) {
            throw new IllegalArgumentException("auditAllowSampleRate must be between 0 and 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
    }

    /** The highest depth limit that may be configured. */
    public static final int MAX_DEPTH_LIMIT = 100;

    public static AuthzSettings defaults() {
        return new AuthzSettings(25, 1000, 1_000_000, false, 64, 100_000, Duration.ofSeconds(1), 0.001, 100, 100, 100_000);
    }

    public AuthzSettings withMaxDepth(int v) {
        return new AuthzSettings(v, maxListResults, maxListVisited, parallelUnions, maxParallelBranches, decisionCacheSize,
                pollInterval, auditAllowSampleRate, maxTuplesPerWrite, maxContextualTuples, maxResolutions);
    }

    public AuthzSettings withMaxListResults(int v) {
        return new AuthzSettings(maxDepth, v, maxListVisited, parallelUnions, maxParallelBranches, decisionCacheSize,
                pollInterval, auditAllowSampleRate, maxTuplesPerWrite, maxContextualTuples, maxResolutions);
    }

    public AuthzSettings withParallelUnions(boolean v) {
        return new AuthzSettings(maxDepth, maxListResults, maxListVisited, v, maxParallelBranches, decisionCacheSize,
                pollInterval, auditAllowSampleRate, maxTuplesPerWrite, maxContextualTuples, maxResolutions);
    }

    public AuthzSettings withDecisionCacheSize(int v) {
        return new AuthzSettings(maxDepth, maxListResults, maxListVisited, parallelUnions, maxParallelBranches, v,
                pollInterval, auditAllowSampleRate, maxTuplesPerWrite, maxContextualTuples, maxResolutions);
    }

    public AuthzSettings withPollInterval(Duration v) {
        return new AuthzSettings(maxDepth, maxListResults, maxListVisited, parallelUnions, maxParallelBranches,
                decisionCacheSize, v, auditAllowSampleRate, maxTuplesPerWrite, maxContextualTuples, maxResolutions);
    }

    public AuthzSettings withMaxResolutions(int v) {
        return new AuthzSettings(maxDepth, maxListResults, maxListVisited, parallelUnions, maxParallelBranches,
                decisionCacheSize, pollInterval, auditAllowSampleRate, maxTuplesPerWrite, maxContextualTuples, v);
    }

    public AuthzSettings withAuditAllowSampleRate(double v) {
        return new AuthzSettings(maxDepth, maxListResults, maxListVisited, parallelUnions, maxParallelBranches,
                decisionCacheSize, pollInterval, v, maxTuplesPerWrite, maxContextualTuples, maxResolutions);
    }
}
