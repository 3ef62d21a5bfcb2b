/**
 * Lua scripts for the Redis store: each runs atomically on the server, so that two gateway
 * processes can never both take the last unit of a rate limit or a budget. Time comes from the
 * Redis server (`TIME`), so the processes' clocks need not agree. Numbers go back as strings:
 * Redis would truncate a Lua number to an integer.
 */

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] counter; ARGV: by, ttlMs. */
export const INCREMENT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** KEYS[1] sorted set of hits; ARGV: limit, windowMs, member. Returns {allowed, count, retryAfterMs}. */
export const HIT_WINDOW = `
${NOW}
local limit = tonumber(ARGV[1]); local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = 1
  if oldest[2] then wait = math.max(1, tonumber(oldest[2]) + window - now) end
  return {0, count, wait}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, count + 1, 0}`;

/**
 * A budget is a hash: field \`spent\` and one field \`h:<id>\` = "<amount>|<expiresAtMs>" per live
 * reservation. Reading a budget drops lapsed reservations.
 */
const READ_BUDGET = `
local function readBudget(key, now)
  local fields = redis.call('HGETALL', key)
  local spent, reserved = 0, 0
  for j = 1, #fields, 2 do
    local field, value = fields[j], fields[j + 1]
    if field == 'spent' then
      spent = tonumber(value)
    else
      local amount, expires = string.match(value, '^([^|]+)|(%d+)$')
      if amount == nil or tonumber(expires) <= now then
        redis.call('HDEL', key, field)
      else
        reserved = reserved + tonumber(amount)
      end
    end
  end
  return spent, reserved
end`;

const TOUCH = `
local function touch(key, ttl)
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
end`;

/**
 * KEYS: budget hashes; ARGV: id, amount, holdMs, then limit and ttlMs (0: none) per key.
 * Returns {ok, refusedAt (1-based, 0 if none), spent1, reserved1, spent2, reserved2, ...}.
 */
export const RESERVE = `
${NOW}
${READ_BUDGET}
${TOUCH}
local id = ARGV[1]; local amount = tonumber(ARGV[2]); local hold = tonumber(ARGV[3])
local out = {}
local refused = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 + 2 * i]); local ttl = tonumber(ARGV[3 + 2 * i])
  local spent, reserved = readBudget(key, now)
  if refused == 0 and spent + reserved >= limit then refused = i end
  out[#out + 1] = spent; out[#out + 1] = reserved
end
if refused == 0 then
  for i, key in ipairs(KEYS) do
    redis.call('HSET', key, 'h:' .. id, ARGV[2] .. '|' .. (now + hold))
    touch(key, tonumber(ARGV[3 + 2 * i]))
    out[2 * i] = out[2 * i] + amount
  end
end
local reply = {refused == 0 and 1 or 0, refused}
for i = 1, #out do reply[#reply + 1] = tostring(out[i]) end
return reply`;

/** KEYS: budget hashes; ARGV: id, actual, then ttlMs (0: none) per key. Returns {spent1, reserved1, ...}. */
export const SETTLE = `
${NOW}
${READ_BUDGET}
${TOUCH}
local reply = {}
for i, key in ipairs(KEYS) do
  redis.call('HDEL', key, 'h:' .. ARGV[1])
  if tonumber(ARGV[2]) ~= 0 then redis.call('HINCRBY', key, 'spent', ARGV[2]) end
  touch(key, tonumber(ARGV[2 + i]))
  local spent, reserved = readBudget(key, now)
  reply[#reply + 1] = tostring(spent); reply[#reply + 1] = tostring(reserved)
end
return reply`;
