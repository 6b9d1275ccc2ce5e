#!lua name=vigie_v1
--
-- correlator/commit.lua - the one atomic step of a batch: acknowledge each
-- event and count it (day counters, windows, detections, incidents) only
-- where its XACK returned 1, so an entry claimed twice is counted once.
-- Counters are summed over the batch and written once per key and field.
-- Loaded by the correlator with FUNCTION LOAD REPLACE; the function name
-- carries the version of the argument layout.
--
-- FCALL vigie_commit_v1 1 <stream> <group> <prefix> <retention_s>
--       <quiet_us> <evidence_keep> <det_maxlen>
--       then per event:  id day ndet
--       and, when ndet > 0: hour ts_us src_ip country flags sensor evidence
--       then per detection of that event:
--                        rule category severity threshold window_s
--                        group_by group
-- flags: "E" external, "X" extraterritorial, "U" external, country unknown
-- (any subset, "-" for none).
-- Returns { events acknowledged and counted, events already acknowledged }.

local function commit(keys, args)
	local stream = keys[1]
	local group, P = args[1], args[2]
	local retention = tonumber(args[3])
	local quiet_us = tonumber(args[4])
	local evkeep = tonumber(args[5])
	local det_maxlen = args[6]
	local counted, skipped = 0, 0
	local i = 7
	local stats = P .. 'rules:stats'

	-- Per-batch sums, written once at the end.
	local hincr = {}	-- key -> field -> delta
	local hset = {}		-- key -> field -> value
	local zincr = {}	-- key -> member -> delta
	local pfadd = {}	-- key -> { members }
	local expire = {}	-- day keys -> true
	local incs = {}		-- rule \0 group -> cached incident state

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
	local function dkey(day, suffix)
		local k = P .. 'day:' .. day .. suffix
		expire[k] = true
		return k
	end

	-- Writes what the batch added to an incident: count, last_seen,
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
		if #s.evs > 0 then
			redis.call('LPUSH', ik .. ':ev', unpack(s.evs))
			redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
			s.evs = {}
		end
	end

	local function inc_state(rule, gval)
		local ck = rule .. '\0' .. gval
		local s = incs[ck]
		if s ~= nil then return s end
		s = { openk = P .. 'inc:open:' .. rule .. ':' .. gval, id = false,
		    dcount = 0, evs = {}, moved = false }
		local id = redis.call('GET', s.openk)
		if id then
			local st = redis.call('HMGET', P .. 'inc:' .. id, 'status', 'last_seen')
			s.id, s.status, s.last = id, st[1], tonumber(st[2] or 0)
		end
		incs[ck] = s
		return s
	end

	while i <= #args do
		local id, day, ndet = args[i], args[i + 1], tonumber(args[i + 2])
		local hour, ts, src, cc, flags, sensor, evidence
		i = i + 3
		if ndet > 0 then
			hour, ts, src, cc = args[i], args[i + 1], args[i + 2], args[i + 3]
			flags, sensor, evidence = args[i + 4], args[i + 5], args[i + 6]
			i = i + 7
		end
		if redis.call('XACK', stream, group, id) ~= 1 then
			skipped = skipped + 1
			i = i + 7 * ndet
		elseif ndet == 0 then
			counted = counted + 1
			add(hincr, dkey(day, ':totals'), 'events', 1)
		else
			counted = counted + 1
			local totals = dkey(day, ':totals')
			local ext = string.find(flags, 'E', 1, true) ~= nil
			local foreign = string.find(flags, 'X', 1, true) ~= nil
			local unknown = string.find(flags, 'U', 1, true) ~= nil
			local ts_n = tonumber(ts)
			local ts_ms = math.floor(ts_n / 1000)
			add(hincr, totals, 'events', 1)
			for _ = 1, ndet do
				local rule, cat, sev = args[i], args[i + 1], args[i + 2]
				local threshold, window = tonumber(args[i + 3]), tonumber(args[i + 4])
				local gby, gval = args[i + 5], args[i + 6]
				i = i + 7

				add(hincr, totals, 'detections', 1)
				add(hincr, stats, rule .. ':hits', 1)
				local lh = hset[stats]
				if lh == nil then lh = {}; hset[stats] = lh end
				local lk = rule .. ':last_hit'
				if (tonumber(lh[lk]) or 0) < ts_n then lh[lk] = ts end
				if ext then
					add(hincr, totals, 'external', 1)
					if foreign then add(hincr, totals, 'extraterritorial', 1) end
					if unknown then
						add(hincr, totals, 'unknown_country', 1)
					else
						add(hincr, dkey(day, ':country'), cc, 1)
					end
					add(hincr, dkey(day, ':category'), cat, 1)
					add(hincr, dkey(day, ':rule'), rule, 1)
					add(hincr, dkey(day, ':hour'), hour, 1)
					add(zincr, dkey(day, ':sources'), src, 1)
					local sc = dkey(day, ':source_country')
					if hset[sc] == nil then hset[sc] = {} end
					hset[sc][src] = cc
					local u = dkey(day, ':uniq')
					if pfadd[u] == nil then pfadd[u] = {} end
					table.insert(pfadd[u], src)
					if foreign then
						local uf = dkey(day, ':uniq_foreign')
						if pfadd[uf] == nil then pfadd[uf] = {} end
						table.insert(pfadd[uf], src)
					end
				end
				local dk = P .. 'det:' .. day
				expire[dk] = true
				redis.call('XADD', dk, 'MAXLEN', '~',
				    det_maxlen, '*', 'rule', rule, 'category', cat,
				    'severity', sev, 'src_ip', src, 'country', cc,
				    'group', gval, 'event', id, 'sensor', sensor, 'ts', ts)

				-- Threshold window and incident for (rule, group).
				local s = inc_state(rule, gval)
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
					table.insert(s.evs, evidence)
					if #s.evs > evkeep then table.remove(s.evs, 1) end
				else
					local wk = P .. 'win:' .. rule .. ':' .. gval
					redis.call('ZADD', wk, ts_ms, evidence)
					redis.call('ZREMRANGEBYSCORE', wk, '-inf',
					    '(' .. (ts_ms - window * 1000))
					local n = redis.call('ZCARD', wk)
					if n >= threshold then
						local inc = redis.call('INCR', P .. 'inc:seq')
						local ik = P .. 'inc:' .. inc
						local first = redis.call('ZRANGE', wk, 0, 0, 'WITHSCORES')
						local first_us = tonumber(first[2]) * 1000
						local isrc, icc = '', ''
						if gby == 'src_ip' then isrc, icc = src, cc end
						redis.call('HSET', ik, 'id', inc, 'rule', rule,
						    'category', cat, 'severity', sev,
						    'group_by', gby, 'group', gval,
						    'src_ip', isrc, 'country', icc,
						    'sensor', sensor, 'count', n,
						    'status', 'open', 'first_seen', first_us,
						    'last_seen', ts, 'threshold', threshold,
						    'window', window)
						-- The events that reached the threshold are its
						-- first evidence, newest at the head.
						local evs = redis.call('ZRANGE', wk, -evkeep, -1)
						redis.call('LPUSH', ik .. ':ev', unpack(evs))
						redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
						redis.call('DEL', wk)
						redis.call('SET', s.openk, inc)
						redis.call('ZADD', P .. 'incidents', ts_ms, inc)
						redis.call('ZADD', P .. 'incidents:open', ts_ms, inc)
						add(hincr, totals, 'incidents_opened', 1)
						s.id, s.status, s.last = tostring(inc), 'open', ts_n
					else
						redis.call('PEXPIRE', wk, window * 1000 + 60000)
					end
				end
			end
		end
	end

	for _, s in pairs(incs) do inc_flush(s) end
	for k, m in pairs(hincr) do
		for f, n in pairs(m) do redis.call('HINCRBY', k, f, n) end
	end
	for k, m in pairs(zincr) do
		for f, n in pairs(m) do redis.call('ZINCRBY', k, n, f) end
	end
	for k, m in pairs(hset) do
		local kv = {}
		for f, v in pairs(m) do
			table.insert(kv, f)
			table.insert(kv, v)
		end
		call_list('HSET', k, kv)
	end
	for k, m in pairs(pfadd) do call_list('PFADD', k, m) end
	for k in pairs(expire) do redis.call('EXPIRE', k, retention) end
	return { counted, skipped }
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

redis.register_function('vigie_commit_v1', commit)
redis.register_function('vigie_sweep_v1', sweep)
