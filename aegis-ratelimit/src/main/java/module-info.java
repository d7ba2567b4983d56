/**
 * Rate limiting of Aegis: the sliding-window {@link dev.aegis.ratelimit.api.Limiter} and
 * {@link dev.aegis.ratelimit.api.TokenBucket} in memory, the cluster-exact
 * {@link dev.aegis.ratelimit.api.RedisSlidingWindow} (atomic Lua scripts over Lettuce), keys by scope and the
 * login-protection profile. Only {@code dev.aegis.ratelimit.api} is exported.
 */
module dev.aegis.ratelimit {
    requires lettuce.core;
    requires org.slf4j;

    exports dev.aegis.ratelimit.api;
}
