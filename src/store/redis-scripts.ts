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
 * reservation. Reading a budget turns a lapsed reservation into spend (at its amount: a settlement
 * lost to a failure is never free) and keeps it as \`l:<id>\` = "<amount>|<forgetAtMs>", so that a
 * late settlement can still correct the charge; those are forgotten after \`lapsedKeptMs\`.
 */
const READ_BUDGET = `
local function readBudget(key, now, lapsedKeptMs)
  local fields = redis.call('HGETALL', key)
  local spent, reserved, lapsed = 0, 0, 0
  for j = 1, #fields, 2 do
    local field, value = fields[j], fields[j + 1]
    if field == 'spent' then
      spent = tonumber(value)
    else
      local amount, expires = string.match(value, '^([^|]+)|(%d+)$')
      local kind = string.sub(field, 1, 2)
      if amount == nil or (kind ~= 'h:' and kind ~= 'l:') then
        redis.call('HDEL', key, field)
      elseif tonumber(expires) > now then
        if kind == 'h:' then reserved = reserved + tonumber(amount) end
      elseif kind == 'h:' then
        lapsed = lapsed + tonumber(amount)
        redis.call('HDEL', key, field)
        redis.call('HSET', key, 'l:' .. string.sub(field, 3), amount .. '|' .. (now + lapsedKeptMs))
      else
        redis.call('HDEL', key, field)
      end
    end
  end
  if lapsed > 0 then spent = redis.call('HINCRBY', key, 'spent', string.format('%.0f', lapsed)) end
  return spent, reserved
end`;

const TOUCH = `
local function touch(key, ttl)
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
end`;

/**
 * KEYS: budget hashes; ARGV: id, amount, holdMs, deadline (server ms, 0: none), lapsedKeptMs, then
 * limit and ttlMs (0: none) per key. A reservation that reaches Redis after its deadline (its
 * caller gave up waiting, e.g. while Redis was frozen) changes nothing and answers ok = -1.
 * Returns {ok, refusedAt (1-based, 0 if none), serverNow, spent1, reserved1, spent2, reserved2, ...}.
 * Every key's expiry is renewed, also when refused: a budget in use never expires.
 */
export const RESERVE = `
${NOW}
${READ_BUDGET}
${TOUCH}
local id = ARGV[1]; local amount = tonumber(ARGV[2]); local hold = tonumber(ARGV[3])
local deadline = tonumber(ARGV[4]); local lapsedKeptMs = tonumber(ARGV[5])
if deadline > 0 and now > deadline then return {-1, 0, tostring(now)} end
local out = {}
local refused = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[4 + 2 * i])
  local spent, reserved = readBudget(key, now, lapsedKeptMs)
  if refused == 0 and spent + reserved >= limit then refused = i end
  out[#out + 1] = spent; out[#out + 1] = reserved
end
for i, key in ipairs(KEYS) do
  if refused == 0 then
    redis.call('HSET', key, 'h:' .. id, ARGV[2] .. '|' .. (now + hold))
    out[2 * i] = out[2 * i] + amount
  end
  touch(key, tonumber(ARGV[5 + 2 * i]))
end
local reply = {refused == 0 and 1 or 0, refused, tostring(now)}
for i = 1, #out do reply[#reply + 1] = tostring(out[i]) end
return reply`;

/**
 * KEYS: budget hashes; ARGV: id, actual, lapsedKeptMs, then ttlMs (0: none) per key. A live hold is
 * replaced by \`actual\`; a lapsed one (charged its amount) is corrected to \`actual\`; an unknown id
 * (settled already) changes nothing. Returns {spent1, reserved1, ...}.
 */
export const SETTLE = `
${NOW}
${READ_BUDGET}
${TOUCH}
local actual = tonumber(ARGV[2]); local lapsedKeptMs = tonumber(ARGV[3])
local reply = {}
for i, key in ipairs(KEYS) do
  if redis.call('HDEL', key, 'h:' .. ARGV[1]) == 1 then
    if actual ~= 0 then redis.call('HINCRBY', key, 'spent', ARGV[2]) end
  else
    local value = redis.call('HGET', key, 'l:' .. ARGV[1])
    if value then
      redis.call('HDEL', key, 'l:' .. ARGV[1])
      local charged = tonumber(string.match(value, '^([^|]+)|') or '0')
      local spent = tonumber(redis.call('HGET', key, 'spent') or '0')
      redis.call('HINCRBY', key, 'spent', string.format('%.0f', math.max(-spent, actual - charged)))
    end
  end
  touch(key, tonumber(ARGV[3 + i]))
  local spent, reserved = readBudget(key, now, lapsedKeptMs)
  reply[#reply + 1] = tostring(spent); reply[#reply + 1] = tostring(reserved)
end
return reply`;
