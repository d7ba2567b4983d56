/**
 * Rate limiting of Aegis: the sliding-window {@link dev.aegis.ratelimit.api.Limiter} used for login protection,
 * API keys and gateway routes. Only {@code dev.aegis.ratelimit.api} is exported.
 */
module dev.aegis.ratelimit {
    exports dev.aegis.ratelimit.api;
}
