#!lua name=vigie
--
-- correlator/commit.lua - the one atomic step of a batch of frames:
-- acknowledge each frame and count it (day counters, detections, windows,
-- incidents) only where its XACK returned 1, so a frame claimed twice is
-- counted once; a frame that could not be decoded is acknowledged and
-- copied to the dead-letter stream in the same step, so once too.
-- The correlator sums each frame's counters; the function adds up the
-- frames it acknowledged and writes each key and field once per call.
-- Loaded by the correlator with FUNCTION LOAD REPLACE; the function name
-- carries the version of the argument layout.
--
-- FCALL vigie_commit_v2 1 <stream> <group> <prefix> <retention_s>
--       <quiet_us> <evidence_keep> <det_maxlen> <dead_maxlen> <nrules>
--   then nrules rules, numbered from 1 in this call:
--       name category severity threshold window_s group_by by_source
--   then per frame, one of:
--       <id> F <nevents> <ngroups> <ndet>
--           then ngroups key groups:  op key n, and n field value pairs
--                                     (for op P: n members)
--           then ndet detections:     rule# day group ts_us src_ip
--                                     country sensor evidence
--       <id> D <reason> <frame bytes>       (a frame that was not decoded)
-- Key groups, keys relative to the prefix, one per key and op in a frame:
--   H  HINCRBY key field delta      (pairs: field delta)
--   Z  ZINCRBY key delta member     (pairs: member delta)
--   S  HSET key field value         (pairs: field value)
--   M  HSET key field value         (pairs: field value; the largest
--                                    value of the call, as a number)
--   P  PFADD key members            (n members)
--   X  XADD key MAXLEN ~ det_maxlen * field value ...   (pairs)
-- Keys under day: and det: expire after retention_s.
-- by_source is 1 when the group is the source address: the incident then
-- records src_ip and country. A detection's evidence is a JSON object.
-- A D frame goes to <prefix>dead (MAXLEN ~ dead_maxlen) with fields
-- stream, id, reason, frame, and counts in HINCRBY <prefix>stats dead.
-- The layout is checked whole before anything is written.
-- Returns { events counted, events of frames already acknowledged,
--           frames dead-lettered }.

-- Walks the arguments without writing; errors out on a bad layout.
local function commit_check(args, i, nrules)
	local n = #args
	while i <= n do
		local kind = args[i + 1]
		if kind == 'F' then
			local ng, nd = tonumber(args[i + 3]), tonumber(args[i + 4])
			if not tonumber(args[i + 2]) or not ng or not nd then
				error('vigie_commit_v2: bad frame header at ' .. i)
			end
			i = i + 5
			for _ = 1, ng do
				local op, c = args[i], tonumber(args[i + 2])
				if not c or type(op) ~= 'string' or #op ~= 1 or
				    not string.find('HZSMPX', op, 1, true) then
					error('vigie_commit_v2: bad key group at ' .. i)
				end
				i = i + 3 + (op == 'P' and c or 2 * c)
			end
			for _ = 1, nd do
				local r = tonumber(args[i])
				if not r or r < 1 or r > nrules or not tonumber(args[i + 3]) then
					error('vigie_commit_v2: bad detection at ' .. i)
				end
				i = i + 8
			end
		elseif kind == 'D' then
			i = i + 4
		else
			error('vigie_commit_v2: bad frame kind at ' .. i)
		end
	end
	if i ~= n + 1 then error('vigie_commit_v2: truncated arguments') end
end

local function commit(keys, args)
	local stream = keys[1]
	local group, P = args[1], args[2]
	local retention = tonumber(args[3])
	local quiet_us = tonumber(args[4])
	local evkeep = tonumber(args[5])
	local det_maxlen, dead_maxlen = args[6], args[7]
	local nrules = tonumber(args[8])
	local counted, skipped, dead = 0, 0, 0
	local rules = {}
	local i = 9

	for r = 1, nrules do
		rules[r] = { name = args[i], cat = args[i + 1], sev = args[i + 2],
		    threshold = tonumber(args[i + 3]), window = tonumber(args[i + 4]),
		    gby = args[i + 5], bysrc = args[i + 6] == '1', incs = {} }
		i = i + 7
	end
	commit_check(args, i, nrules)

	-- Per-call sums, written once at the end.
	local hincr = {}	-- key -> field -> delta
	local hset = {}		-- key -> field -> value
	local hmax = {}		-- key -> field -> value (the largest)
	local zincr = {}	-- key -> member -> delta
	local pfadd = {}	-- key -> { members }
	local expire = {}	-- day keys -> true
	local incs = {}		-- every cached incident state (also in rules[r].incs)

	local function add(t, k, f, n)
		local m = t[k]
		if m == nil then m = {}; t[k] = m end
		m[f] = (m[f] or 0) + n
	end
	-- CMD key v1 v2 ... in slices, within Lua's unpack limit.
	local function call_list(cmd, key, list)
		for j = 1, #list, 1000 do
			redis.call(cmd, key, unpack(list, j, math.min(j + 999, #list)))
		end
	end
	local function expiring(k)
		local head = string.sub(k, 1, 4)
		return head == 'day:' or head == 'det:'
	end

	-- Writes what the call added to an incident: count, last_seen,
	-- evidence (oldest first, so the newest ends at the head).
	local function inc_flush(s)
		if not s.id then return end
		local ik = P .. 'inc:' .. s.id
		if s.dcount > 0 then
			redis.call('HINCRBY', ik, 'count', s.dcount)
			s.dcount = 0
		end
		if s.moved then
			local ms = math.floor(s.last / 1000)
			redis.call('HSET', ik, 'last_seen', s.last)
			redis.call('ZADD', P .. 'incidents', ms, s.id)
			redis.call('ZADD', P .. 'incidents:open', ms, s.id)
			s.moved = false
		end
		if s.nev > 0 then
			redis.call('LPUSH', ik .. ':ev',
			    unpack(s.evs, math.max(1, s.nev - evkeep + 1), s.nev))
			redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
			s.evs, s.nev = {}, 0
		end
	end

	-- Keeps the last evkeep pieces of evidence, in order.
	local function inc_evidence(s, evidence)
		local n = s.nev + 1
		s.evs[n] = evidence
		if n >= 2 * evkeep + 16 then
			local evs, from = {}, n - evkeep
			for j = 1, evkeep do evs[j] = s.evs[from + j] end
			s.evs, n = evs, evkeep
		end
		s.nev = n
	end

	local function inc_state(r, gval)
		local s = r.incs[gval]
		if s ~= nil then return s end
		s = { openk = P .. 'inc:open:' .. r.name .. ':' .. gval, id = false,
		    dcount = 0, evs = {}, nev = 0, moved = false }
		local id = redis.call('GET', s.openk)
		if id then
			local st = redis.call('HMGET', P .. 'inc:' .. id, 'status', 'last_seen')
			s.id, s.status, s.last = id, st[1], tonumber(st[2] or 0)
		end
		r.incs[gval] = s
		incs[#incs + 1] = s
		return s
	end

	-- One detection: its threshold window and its incident.
	local function detection(r, day, gval, ts, src, cc, sensor, evidence)
		local ts_n = tonumber(ts)
		local s = inc_state(r, gval)
		if s.id and (s.status ~= 'open' and s.status ~= 'acknowledged' or
		    ts_n - s.last > quiet_us) then
			inc_flush(s)
			if s.status == 'open' or s.status == 'acknowledged' then
				redis.call('HSET', P .. 'inc:' .. s.id, 'status',
				    'closed', 'closed_by', 'quiet period')
			end
			redis.call('DEL', s.openk)
			redis.call('ZREM', P .. 'incidents:open', s.id)
			s.id = false
		end
		if s.id then
			s.dcount = s.dcount + 1
			if ts_n > s.last then s.last = ts_n; s.moved = true end
			inc_evidence(s, evidence)
			return
		end
		local rule, gby = r.name, r.gby
		local ts_ms = math.floor(ts_n / 1000)
		local wk = P .. 'win:' .. rule .. ':' .. gval
		local window, threshold = r.window, r.threshold
		redis.call('ZADD', wk, ts_ms, evidence)
		redis.call('ZREMRANGEBYSCORE', wk, '-inf',
		    '(' .. (ts_ms - window * 1000))
		local n = redis.call('ZCARD', wk)
		if n < threshold then
			redis.call('PEXPIRE', wk, window * 1000 + 60000)
			return
		end
		local inc = redis.call('INCR', P .. 'inc:seq')
		local ik = P .. 'inc:' .. inc
		local first = redis.call('ZRANGE', wk, 0, 0, 'WITHSCORES')
		local first_us = tonumber(first[2]) * 1000
		local isrc, icc = '', ''
		if r.bysrc then isrc, icc = src, cc end
		redis.call('HSET', ik, 'id', inc, 'rule', rule,
		    'category', r.cat, 'severity', r.sev,
		    'group_by', gby, 'group', gval,
		    'src_ip', isrc, 'country', icc,
		    'sensor', sensor, 'count', n,
		    'status', 'open', 'first_seen', first_us,
		    'last_seen', ts, 'threshold', threshold,
		    'window', window)
		-- The events that reached the threshold are its first
		-- evidence, newest at the head.
		local evs = redis.call('ZRANGE', wk, -evkeep, -1)
		redis.call('LPUSH', ik .. ':ev', unpack(evs))
		redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
		redis.call('DEL', wk)
		redis.call('SET', s.openk, inc)
		redis.call('ZADD', P .. 'incidents', ts_ms, inc)
		redis.call('ZADD', P .. 'incidents:open', ts_ms, inc)
		local totals = P .. 'day:' .. day .. ':totals'
		expire[totals] = true
		add(hincr, totals, 'incidents_opened', 1)
		s.id, s.status, s.last = tostring(inc), 'open', ts_n
	end

	-- A frame's key groups, added to the call's sums.
	local function groups(ng)
		for _ = 1, ng do
			local op, rk, n = args[i], args[i + 1], tonumber(args[i + 2])
			local k = P .. rk
			i = i + 3
			if expiring(rk) then expire[k] = true end
			if op == 'P' then
				local m = pfadd[k]
				if m == nil then m = {}; pfadd[k] = m end
				for j = i, i + n - 1 do m[#m + 1] = args[j] end
				i = i + n
			elseif op == 'X' then
				redis.call('XADD', k, 'MAXLEN', '~', det_maxlen, '*',
				    unpack(args, i, i + 2 * n - 1))
				i = i + 2 * n
			else
				for j = i, i + 2 * n - 2, 2 do
					local f, v = args[j], args[j + 1]
					if op == 'H' then
						add(hincr, k, f, tonumber(v))
					elseif op == 'Z' then
						add(zincr, k, f, tonumber(v))
					elseif op == 'S' then
						local m = hset[k]
						if m == nil then m = {}; hset[k] = m end
						m[f] = v
					else
						local m = hmax[k]
						if m == nil then m = {}; hmax[k] = m end
						if (tonumber(m[f]) or 0) < tonumber(v) then m[f] = v end
					end
				end
				i = i + 2 * n
			end
		end
	end

	local nargs = #args
	while i <= nargs do
		local id, kind = args[i], args[i + 1]
		local acked = redis.call('XACK', stream, group, id) == 1
		if kind == 'D' then
			if acked then
				redis.call('XADD', P .. 'dead', 'MAXLEN', '~', dead_maxlen,
				    '*', 'stream', stream, 'id', id, 'reason', args[i + 2],
				    'frame', args[i + 3])
				dead = dead + 1
			end
			i = i + 4
		else
			local nev, ng = tonumber(args[i + 2]), tonumber(args[i + 3])
			local nd = tonumber(args[i + 4])
			i = i + 5
			if not acked then
				skipped = skipped + nev
				for _ = 1, ng do
					local op, n = args[i], tonumber(args[i + 2])
					i = i + 3 + (op == 'P' and n or 2 * n)
				end
				i = i + 8 * nd
			else
				counted = counted + nev
				groups(ng)
				for _ = 1, nd do
					detection(rules[tonumber(args[i])], args[i + 1],
					    args[i + 2], args[i + 3], args[i + 4],
					    args[i + 5], args[i + 6], args[i + 7])
					i = i + 8
				end
			end
		end
	end

	for _, s in ipairs(incs) do inc_flush(s) end
	if dead > 0 then add(hincr, P .. 'stats', 'dead', dead) end
	for k, m in pairs(hincr) do
		for f, n in pairs(m) do redis.call('HINCRBY', k, f, n) end
	end
	for k, m in pairs(zincr) do
		for f, n in pairs(m) do redis.call('ZINCRBY', k, n, f) end
	end
	for _, t in ipairs({ hset, hmax }) do
		for k, m in pairs(t) do
			local kv = {}
			for f, v in pairs(m) do
				kv[#kv + 1] = f
				kv[#kv + 1] = v
			end
			call_list('HSET', k, kv)
		end
	end
	for k, m in pairs(pfadd) do call_list('PFADD', k, m) end
	for k in pairs(expire) do redis.call('EXPIRE', k, retention) end
	return { counted, skipped, dead }
end

-- FCALL vigie_sweep_v1 0 <prefix> <now_us> <quiet_us> <max>
-- Closes the open or acknowledged incidents with no activity for the
-- quiet period, by the wall clock: those no new detection will ever
-- revisit. Returns the number closed (at most max a call).
local function sweep(keys, args)
	local P = args[1]
	local cutoff = math.floor((tonumber(args[2]) - tonumber(args[3])) / 1000)
	local ids = redis.call('ZRANGEBYSCORE', P .. 'incidents:open', '-inf',
	    '(' .. cutoff, 'LIMIT', 0, tonumber(args[4]))
	for _, id in ipairs(ids) do
		local ik = P .. 'inc:' .. id
		local f = redis.call('HMGET', ik, 'status', 'rule', 'group')
		if f[1] == 'open' or f[1] == 'acknowledged' then
			redis.call('HSET', ik, 'status', 'closed', 'closed_by',
			    'quiet period')
		end
		if f[2] and f[3] then
			local openk = P .. 'inc:open:' .. f[2] .. ':' .. f[3]
			if redis.call('GET', openk) == id then
				redis.call('DEL', openk)
			end
		end
		redis.call('ZREM', P .. 'incidents:open', id)
	end
	return #ids
end

redis.register_function('vigie_commit_v2', commit)
redis.register_function('vigie_sweep_v1', sweep)
