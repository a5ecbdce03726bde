/**
 * The Redis side of each algorithm: one Lua script per check, so read-decide-write is atomic
 * across every gateway sharing the Redis. Time comes from Redis (`TIME`, allowed in scripts since
 * Redis 5 replicates scripts by effects), so gateways whose clocks disagree still share one clock.
 * Replies: { allowed 0|1, remaining, resetMs, retryAfterMs } as integers (times rounded up).
 */

/** KEYS[1] = the limit's key; ARGV = intervalMs, burst. State: the TAT (ms), expiring when idle. See gcra.ts. */
export const gcraScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil then tat = now end
if tat > now + tolerance then tat = now + tolerance end
local base = math.max(tat, now)
local nextTat = base + interval
local allowAt = nextTat - tolerance
-- 1e-6 ms of slack: see gcra.ts (float intervals such as 60000/34)
if now + 1e-6 < allowAt then
  return { 0, 0, math.ceil(base - now), math.ceil(allowAt - now) }
end
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now))
return { 1, math.max(0, math.floor((now - allowAt + 1e-6) / interval)), math.ceil(nextTat - now), 0 }
`;

/** KEYS[1] = the limit's key; ARGV = windowMs, limit. State: hash {a: window start, b: count, c: previous count}. See sliding-window.ts. */
export const slidingWindowScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'a', 'b', 'c')
local start, count, previous = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
if now >= start + window then
  local current = now - (now % window)
  if current - start == window then previous = count else previous = 0 end
  count = 0
  start = current
end
local elapsed = math.max(0, now - start)
local used = previous * (window - elapsed) / window + count
if used + 1 > limit then
  local retry
  local room = limit - 1 - count
  if room >= 0 and previous > 0 then
    retry = window * (1 - room / previous) - elapsed
  else
    retry = (window - elapsed) + window * math.max(0, 1 - (limit - 1) / count)
  end
  return { 0, 0, math.ceil(window - elapsed), math.max(1, math.ceil(retry)) }
end
count = count + 1
redis.call('HSET', KEYS[1], 'a', start, 'b', count, 'c', previous)
redis.call('PEXPIRE', KEYS[1], math.ceil(start + 2 * window - now))
return { 1, math.floor(limit - used - 1), math.ceil(window - elapsed), 0 }
`;
