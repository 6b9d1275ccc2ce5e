#!lua name=vigie_v1
--
-- correlator/commit.lua - the one atomic step of a batch: acknowledge each
-- event and count it (day counters, windows, detections, incidents) only
-- where its XACK returned 1, so an entry claimed twice is counted once.
-- Loaded by the correlator with FUNCTION LOAD REPLACE; the library name
-- carries the version of the argument layout.
--
-- FCALL vigie_commit_v1 1 <stream> <group> <prefix> <retention_s>
--       <quiet_us> <evidence_keep> <det_maxlen>
--       then per event:  id day hour ts_us src_ip country flags sensor
--                        evidence ndet
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
	local touched = {}
	local counted, skipped = 0, 0
	local i = 7

	local function dkey(day, suffix)
		local k = P .. 'day:' .. day .. suffix
		touched[k] = true
		return k
	end

	while i <= #args do
		local id, day, hour, ts = args[i], args[i + 1], args[i + 2], args[i + 3]
		local src, cc, flags = args[i + 4], args[i + 5], args[i + 6]
		local sensor, evidence = args[i + 7], args[i + 8]
		local ndet = tonumber(args[i + 9])
		i = i + 10
		if redis.call('XACK', stream, group, id) ~= 1 then
			skipped = skipped + 1
			i = i + 7 * ndet
		else
			counted = counted + 1
			local totals = dkey(day, ':totals')
			local ext = string.find(flags, 'E', 1, true) ~= nil
			local foreign = string.find(flags, 'X', 1, true) ~= nil
			local unknown = string.find(flags, 'U', 1, true) ~= nil
			local ts_n = tonumber(ts)
			local ts_ms = math.floor(ts_n / 1000)
			redis.call('HINCRBY', totals, 'events', 1)
			for _ = 1, ndet do
				local rule, cat, sev = args[i], args[i + 1], args[i + 2]
				local threshold, window = tonumber(args[i + 3]), tonumber(args[i + 4])
				local gby, gval = args[i + 5], args[i + 6]
				i = i + 7

				redis.call('HINCRBY', totals, 'detections', 1)
				redis.call('HINCRBY', P .. 'rules:stats', rule .. ':hits', 1)
				redis.call('HSET', P .. 'rules:stats', rule .. ':last_hit', ts)
				if ext then
					redis.call('HINCRBY', totals, 'external', 1)
					if foreign then
						redis.call('HINCRBY', totals, 'extraterritorial', 1)
					end
					if unknown then
						redis.call('HINCRBY', totals, 'unknown_country', 1)
					else
						redis.call('HINCRBY', dkey(day, ':country'), cc, 1)
					end
					redis.call('HINCRBY', dkey(day, ':category'), cat, 1)
					redis.call('HINCRBY', dkey(day, ':rule'), rule, 1)
					redis.call('HINCRBY', dkey(day, ':hour'), hour, 1)
					redis.call('ZINCRBY', dkey(day, ':sources'), 1, src)
					redis.call('HSET', dkey(day, ':source_country'), src, cc)
					redis.call('PFADD', dkey(day, ':uniq'), src)
					if foreign then
						redis.call('PFADD', dkey(day, ':uniq_foreign'), src)
					end
				end
				local dk = P .. 'det:' .. day
				touched[dk] = true
				redis.call('XADD', dk, 'MAXLEN', '~', det_maxlen, '*',
				    'rule', rule, 'category', cat, 'severity', sev,
				    'src_ip', src, 'country', cc, 'group', gval,
				    'event', id, 'sensor', sensor, 'ts', ts)

				-- Threshold window and incident for (rule, group).
				local openk = P .. 'inc:open:' .. rule .. ':' .. gval
				local inc = redis.call('GET', openk)
				if inc then
					local ik = P .. 'inc:' .. inc
					local st = redis.call('HMGET', ik, 'status', 'last_seen')
					if st[1] == 'closed' or st[1] == false or
					    ts_n - tonumber(st[2]) > quiet_us then
						if st[1] ~= 'closed' and st[1] ~= false then
							redis.call('HSET', ik, 'status', 'closed',
							    'closed_by', 'quiet period')
						end
						redis.call('DEL', openk)
						inc = false
					end
				end
				if inc then
					local ik = P .. 'inc:' .. inc
					redis.call('HINCRBY', ik, 'count', 1)
					local last = tonumber(redis.call('HGET', ik, 'last_seen'))
					if ts_n > last then
						redis.call('HSET', ik, 'last_seen', ts)
						redis.call('ZADD', P .. 'incidents', ts_ms, inc)
					end
					redis.call('LPUSH', ik .. ':ev', evidence)
					redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
				else
					local wk = P .. 'win:' .. rule .. ':' .. gval
					redis.call('ZADD', wk, ts_ms, evidence)
					redis.call('ZREMRANGEBYSCORE', wk, '-inf',
					    '(' .. (ts_ms - window * 1000))
					local n = redis.call('ZCARD', wk)
					if n >= threshold then
						inc = redis.call('INCR', P .. 'inc:seq')
						local ik = P .. 'inc:' .. inc
						local first = redis.call('ZRANGE', wk, 0, 0, 'WITHSCORES')
						local first_us = tonumber(first[2]) * 1000
						local isrc, icc = '', ''
						if gby == 'src_ip' then
							isrc, icc = src, cc
						end
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
						local evs = redis.call('ZRANGE', wk, 0, -1)
						for k = 1, #evs do
							redis.call('LPUSH', ik .. ':ev', evs[k])
						end
						redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
						redis.call('DEL', wk)
						redis.call('SET', openk, inc)
						redis.call('ZADD', P .. 'incidents', ts_ms, inc)
						redis.call('HINCRBY', totals, 'incidents_opened', 1)
					else
						redis.call('PEXPIRE', wk, window * 1000 + 60000)
					end
				end
			end
		end
	end
	for k in pairs(touched) do
		redis.call('EXPIRE', k, retention)
	end
	return { counted, skipped }
end

redis.register_function('vigie_commit_v1', commit)
