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
-- FCALL vigie_commit_v4 1 <stream> <group> <prefix> <retention_s>
--       <quiet_us> <evidence_keep> <det_maxlen> <dead_maxlen> <nrules>
--   then nrules rules, numbered from 1 in this call:
--       name category severity threshold window_s group_by by_source
--   then <nonce> key groups written whatever the frames' XACKs (their
--   ops are idempotent: S, M, P), summed over the call,
--   then per frame, one of:
--       <id> F <nevents> <ngroups> <nblocks> <ndet>
--           then ngroups key groups:  op key n, and n field value pairs
--                                     (for op P: n members)
--           then nblocks blocks of detections, one per rule and group:
--               "<rule#>\t<n>\t<group>"   (hex numbers; the group is
--                                     the rest, so it may hold any byte)
--               then n detections, one argument each, in the order
--               their events came:
--               "<ts>\t<day>\t<src_ip>\t<country>\t<sensor>\t<event>\n"
--               then the event's other fields (a JSON object without
--               id, ts, sensor and src_ip, which the first line carries)
--           (ts: µs since the epoch in 16 hex digits, read with strtoul,
--           not strtod; event: the event's id in its stream; group "":
--           the event lacks the rule's group_by key. ndet: the blocks'
--           detections in all.) The argument is the detection's member
--           in win: and its evidence in inc:<id>:ev, stored whole (the
--           event id makes it unique); core/report.c reads it back into
--           one JSON object. A rule and a group are read once a block,
--           and nothing is said twice: Lua hashes every byte of every
--           string it is given or makes.
--       <id> D <reason> <frame bytes>       (a frame that was not decoded)
-- Key groups, keys relative to the prefix, one per key and op in a frame:
--   H  HINCRBY key field delta      (pairs: field delta)
--   Z  ZINCRBY key delta member     (pairs: member delta)
--   S  HSET key field value         (pairs: field value)
--   M  HSET key field value         (pairs: field value; the largest
--                                    value of the call, as a number, where
--                                    it is larger than the stored one)
--   P  PFADD key members            (n members)
--   X  XADD key MAXLEN ~ det_maxlen * field value ...   (pairs)
-- Keys under day: and det: expire after retention_s.
-- by_source is 1 when the group is the source address: the incident then
-- records src_ip and country.
-- Incident changes (opened, escalated at ten times the threshold, closed
-- by the quiet period or merged) go to <prefix>alerts in the same step.
-- A D frame goes to <prefix>dead (MAXLEN ~ dead_maxlen) with fields
-- stream, id, reason, frame, and counts in HINCRBY <prefix>stats dead.
-- The layout is checked whole before anything is written.
-- Returns { events counted, events of frames already acknowledged,
--           frames dead-lettered }.
--
-- Incidents, whatever the order detections arrive in (see DESIGN.md):
-- for a rule and group, an incident is a run of detections whose gaps
-- are at most Q = max(quiet, window), starting at the earliest detection
-- s such that [s, s + window] holds `threshold` detections; it counts
-- every detection of the run from s on. Per rule and group:
--   win:<rule>:<group>    zset, each detection's argument (its evidence)
--                         -> ts_us, of the detections in no incident, and
--                         of each incident's first `threshold` (all a late
--                         detection's windows may need), kept Q + window
--                         behind the newest
--   winev:<rule>:<group>  written by commits before v4 only (members then
--                         "<day>\t<src>\t<cc>\t<sensor>\t<event>", their
--                         evidence here): still read for those members,
--                         left to expire
--   incg:<rule>:<group>   zset incident id -> last_seen
-- A late detection joins the incident whose span covers it, extends one
-- it follows within Q, opens one if it completes a window, and merges two
-- incidents it brings within Q of each other (the newer id leaves the
-- lists, its hash saying status "merged" and `merged_into` the older).

-- A whole number as Redis reads it back exactly (Lua's own tostring
-- keeps 14 digits: not enough for microseconds); %d, not %.17g, to stay
-- off printf's floating-point path.
local function num(x)
	return string.format('%d', x)
end

-- An incident's change for the SIEM exporter, in the same atomic step:
-- alert_id <id>:<n> with n the incident's change counter, so that a
-- repeat after a crash can be dropped. `c` holds what the commit knows
-- (rule, group...); the rest is read from the incident.
local ALERTS_MAXLEN = 100000
local function alert(P, id, change, ts, status, note, c)
	local ik = P .. 'inc:' .. id
	local f
	if c and c.new then
		local r = c.rule
		f = { r.name, r.cat, r.sev, r.gby, c.gval, c.src, c.cc }
	else
		f = redis.call('HMGET', ik, 'rule', 'category', 'severity',
		    'group_by', 'group', 'src_ip', 'country', 'count')
	end
	local n = redis.call('HINCRBY', ik, 'changes', 1)
	redis.call('XADD', P .. 'alerts', 'MAXLEN', '~', ALERTS_MAXLEN, '*',
	    'alert_id', id .. ':' .. n, 'incident', id, 'change', change,
	    'ts', num(ts), 'rule', f[1] or '', 'category', f[2] or '',
	    'severity', f[3] or '', 'group_by', f[4] or '', 'group', f[5] or '',
	    'src_ip', f[6] or '', 'country', f[7] or '', 'status', status,
	    'count', c and c.count or f[8] or '0', 'by', 'vigie', 'note', note)
end

-- Walks the arguments without writing; errors out on a bad layout.
-- Checks ng key groups from i; returns the index after them.
local function check_groups(args, i, ng)
	for _ = 1, ng do
		local op, c = args[i], tonumber(args[i + 2])
		if not c or type(op) ~= 'string' or #op ~= 1 or
		    not string.find('HZSMPX', op, 1, true) then
			error('vigie_commit_v4: bad key group at ' .. i)
		end
		i = i + 3 + (op == 'P' and c or 2 * c)
	end
	return i
end

local function commit_check(args, i, nrules)
	local n = #args
	local nonce = tonumber(args[i])
	if not nonce then error('vigie_commit_v4: bad once count at ' .. i) end
	i = check_groups(args, i + 1, nonce)
	while i <= n do
		local kind = args[i + 1]
		if kind == 'F' then
			local ng, nb = tonumber(args[i + 3]), tonumber(args[i + 4])
			local nd = tonumber(args[i + 5])
			if not tonumber(args[i + 2]) or not ng or not nb or not nd then
				error('vigie_commit_v4: bad frame header at ' .. i)
			end
			i = check_groups(args, i + 6, ng)
			-- A block's count is layout; its detections are read with
			-- fallbacks, never an error.
			for _ = 1, nb do
				local c = type(args[i]) == 'string' and
				    string.match(args[i], '^%x+\t(%x+)\t')
				c = c and tonumber(c, 16)
				if not c then
					error('vigie_commit_v4: bad detection block at ' .. i)
				end
				nd = nd - c
				i = i + 1 + c
			end
			if nd ~= 0 then
				error('vigie_commit_v4: detections do not add up at ' .. i)
			end
		elseif kind == 'D' then
			i = i + 4
		else
			error('vigie_commit_v4: bad frame kind at ' .. i)
		end
	end
	if i ~= n + 1 then error('vigie_commit_v4: truncated arguments') end
end

-- A partition's record of the frames it has counted (vigie_part_v1): an
-- origin "<frame id>\t<stream>" scores the ms it was counted at; once its
-- frame is acknowledged in its stream the correlator moves it below zero
-- (ZADD XX, the ms of the XACK minus DONE_ACKED). An acknowledged origin
-- is kept DONE_ACKED_KEEP ms more: long enough for a worker that read
-- its frame before the XACK, or a frame sent again after a master lost
-- it, to find it; one never acknowledged (a worker died between its
-- partition calls and its XACK) DONE_KEEP ms.
local DONE_ACKED = 10000000000000
local DONE_ACKED_KEEP = 15 * 60 * 1000
local DONE_KEEP = 7 * 86400 * 1000

local function commit_run(part, keys, args)
	local stream = keys[1]
	local group, P = args[1], args[2]
	-- Partition mode: keys[1] is the partition's done zset, args[1]
	-- "<partitions>/<k>"; incident ids are n * partitions + k.
	local nparts, pk, now_ms = 1, 0, 0
	if part then
		local a, b = string.match(group, '^(%d+)/(%d+)$')
		nparts, pk = tonumber(a), tonumber(b)
		if not nparts or nparts < 1 or pk >= nparts then
			error('vigie_part_v1: bad partition ' .. group)
		end
		local t = redis.call('TIME')
		now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
		redis.call('ZREMRANGEBYSCORE', stream, '-inf',
		    '(' .. num(now_ms - DONE_ACKED_KEEP - DONE_ACKED))
		redis.call('ZREMRANGEBYSCORE', stream, 0,
		    '(' .. num(now_ms - DONE_KEEP))
	end
	local retention = tonumber(args[3])
	local quiet_us = tonumber(args[4])
	local evkeep = tonumber(args[5])
	local det_maxlen, dead_maxlen = args[6], args[7]
	local nrules = tonumber(args[8])
	local counted, skipped, dead = 0, 0, 0
	local stats = P .. 'rules:stats'
	local rules = {}
	local i = 9

	for r = 1, nrules do
		rules[r] = { name = args[i], cat = args[i + 1], sev = args[i + 2],
		    threshold = tonumber(args[i + 3]), window = tonumber(args[i + 4]),
		    gby = args[i + 5], bysrc = args[i + 6] == '1', grps = {} }
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
	-- A window member written by this layout (the detection's argument)
	-- starts with its time in 16 hex digits; an older one with its day.
	local function is_ev(m)
		return string.match(m, '^%x+()\t') == 17
	end
	-- "<day>\t<src>\t<cc>\t<sensor>\t<event>" of a member of either kind.
	local function member_of(m)
		if not is_ev(m) then return m end
		local nl = string.find(m, '\n', 18, true)
		return string.sub(m, 18, (nl or 0) - 1)
	end
	local function expiring(k)
		local head = string.sub(k, 1, 4)
		return head == 'day:' or head == 'det:'
	end

	local incs = {}		-- id -> incident loaded in this call
	local grps = {}		-- the groups touched by this call

	local function dkey(day, suffix)
		local k = P .. 'day:' .. day .. suffix
		expire[k] = true
		return k
	end

	-- An incident, loaded once a call.
	local function inc_get(id)
		local c = incs[id]
		if c then return c end
		local f = redis.call('HMGET', P .. 'inc:' .. id, 'first_seen',
		    'last_seen', 'count', 'status', 'closed_by', 'first_day',
		    'zn', 'zl', 'sensor')
		c = { id = id, f = tonumber(f[1]), l = tonumber(f[2]),
		    count = tonumber(f[3]) or 0, status = f[4], closed_by = f[5],
		    day = f[6], zn = tonumber(f[7]) or 0, zl = tonumber(f[8]) or 0,
		    sensor = f[9], evs = {}, nev = 0, dirty = false }
		c.count0 = c.count
		incs[id] = c
		return c
	end

	-- The group's state; its incidents with last_seen >= `from` loaded.
	local function grp_get(r, gval, from)
		local g = r.grps[gval]
		if g == nil then
			local base = r.name .. ':' .. gval
			g = { r = r, gval = gval, zk = P .. 'win:' .. base,
			    ek = P .. 'winev:' .. base, ik = P .. 'incg:' .. base,
			    openk = P .. 'inc:open:' .. base, cands = {},
			    from = math.huge, maxts = 0, zgen = 0 }
			-- Up to K of its newest window points: all of them, when
			-- fewer come back, and then the counts a window needs are
			-- made here, without asking (most groups: a few failures).
			local K = r.threshold < 32 and r.threshold or 32
			local top = redis.call('ZREVRANGE', g.zk, 0, K - 1, 'WITHSCORES')
			g.zmax = tonumber(top[2]) or -math.huge
			g.zmax0 = g.zmax
			if #top < 2 * K then
				g.pts = {}
				for j = #top, 2, -2 do g.pts[#g.pts + 1] = tonumber(top[j]) end
			end
			r.grps[gval] = g
			grps[#grps + 1] = g
		end
		if from < g.from then
			local hi = g.from == math.huge and '+inf' or '(' .. num(g.from)
			local ids = redis.call('ZRANGEBYSCORE', g.ik, num(from), hi)
			for _, id in ipairs(ids) do
				local c = inc_get(id)
				if not c.merged and c.f then
					c.grp, c.rule = g, r
					g.cands[#g.cands + 1] = c
					if g.latest == nil or c.f > g.latest.f then g.latest = c end
				end
			end
			g.from = from
		end
		return g
	end

	local function live(c)
		return not c.merged and c.f ~= nil
	end
	-- May detections after its last join it? Not once an analyst closed it.
	local function extendable(c)
		return c.status ~= 'closed' or c.closed_by == 'quiet period'
	end

	-- The incident covering t, and the first one starting after t.
	local function around(g, t, Q)
		local cover, nxt
		for _, c in ipairs(g.cands) do
			if live(c) then
				if c.f <= t and (t <= c.l or (t <= c.l + Q and extendable(c))) then
					if cover == nil or c.f > cover.f then cover = c end
				elseif c.f > t and (nxt == nil or c.f < nxt.f) then
					nxt = c
				end
			end
		end
		return cover, nxt
	end

	local function inc_evidence(c, evidence)
		-- A ring of the last evkeep: slot nev % evkeep + 1.
		c.evs[c.nev % evkeep + 1] = evidence
		c.nev = c.nev + 1
		c.dirty = true
	end
	-- The ring's pieces of evidence, oldest first.
	local function ring_list(c)
		local n = c.nev < evkeep and c.nev or evkeep
		local out, start = {}, (c.nev - n) % evkeep
		for k = 0, n - 1 do out[k + 1] = c.evs[(start + k) % evkeep + 1] end
		return out
	end

	-- Moves an incident's start (or its existence) between days.
	local function opened_on(day, n)
		if day and day ~= '' then add(hincr, dkey(day, ':totals'), 'incidents_opened', n) end
	end

	-- Two incidents of a group within Q of each other become one: the
	-- older id survives with both runs; the other is closed, merged.
	-- Returns the survivor.
	local function merge(I, J)
		local S, V = I, J
		if tonumber(J.id) < tonumber(I.id) then S, V = J, I end
		S.count = S.count + V.count
		S.zn = S.zn + V.zn
		if V.l > S.l then S.l = V.l end
		if V.zl > S.zl then S.zl = V.zl end
		opened_on(V.day, -1)
		if V.f < S.f then
			opened_on(S.day, -1)
			S.f, S.day, S.sensor = V.f, V.day, V.sensor
			opened_on(S.day, 1)
		end
		S.dirty = true
		for _, e in ipairs(ring_list(V)) do inc_evidence(S, e) end
		V.merged, V.dirty = S.id, true
		local g = S.grp or V.grp
		if g and g.latest == V then g.latest = S end
		return S
	end

	-- Points of the window zset after `from` (exclusive), in order,
	-- skipping the first `skip`.
	local function points_after(g, from, skip, limit)
		local out = {}
		if g.zmax <= from then return out end
		local raw = redis.call('ZRANGEBYSCORE', g.zk, '(' .. num(from), '+inf',
		    'WITHSCORES', 'LIMIT', skip, limit)
		for j = 1, #raw, 2 do out[#out + 1] = { m = raw[j], t = tonumber(raw[j + 1]) } end
		return out
	end

	-- The first live incident other than I starting after t.
	local function next_after(g, I, t)
		local J
		for _, c in ipairs(g.cands) do
			if c ~= I and live(c) and c.f > t and (J == nil or c.f < J.f) then
				J = c
			end
		end
		return J
	end

	-- I takes the detections after `from` that follow it within Q, up to
	-- the next incident, which it merges if it comes within Q. Collects
	-- the members taken in evs (if given). Returns the survivor.
	local function walk(g, I, from, Q, evs)
		local J = next_after(g, I, from)
		local prev, skip, done = from, 0, false
		while not done do
			local pts = points_after(g, from, skip, 256)
			skip = skip + #pts
			done = #pts < 256
			for _, p in ipairs(pts) do
				if J and p.t >= J.f then done = true; break end
				if p.t - prev > Q then return I end
				-- Every point walked is in no incident yet (ties too),
				-- and in the window zset.
				I.count = I.count + 1
				I.zn = I.zn + 1
				if p.t > I.l then I.l = p.t end
				if p.t > I.zl then I.zl = p.t end
				if evs then evs[#evs + 1] = p.m end
				prev = p.t
			end
		end
		if J and J.f - prev <= Q then return merge(I, J) end
		return I
	end

	-- Its source, country and sensor are those of its first detection
	-- (m, at s): the same whatever order detections are committed in.
	local function new_incident(g, s, m)
		local _, src, cc, sensor = string.match(member_of(m),
		    '^(%S*)\t(%S*)\t(%S*)\t(%S*)\t')
		local r = g.r
		local id = tostring(redis.call('INCR', P .. 'inc:seq') * nparts + pk)
		local day = string.match(member_of(m), '^(%S+)')
		local isrc, icc = '', ''
		if r.bysrc then isrc, icc = src, cc end
		-- l just before s: the walk from s - 1 counts s itself.
		local c = { id = id, f = s, l = s - 1, count = 0, zn = 0, zl = 0,
		    status = 'open',
		    day = day, evs = {}, nev = 0, dirty = true, new = true, rule = r,
		    gval = g.gval, src = isrc, cc = icc, sensor = sensor }
		incs[id] = c
		g.cands[#g.cands + 1] = c
		if g.latest == nil or s > g.latest.f then g.latest = c end
		c.grp = g
		opened_on(day, 1)
		return c
	end

	-- Points of a group known whole (g.pts) in [lo, hi]; or in [lo, hi)
	-- when open.
	local function count_pts(g, lo, hi, open)
		local c = 0
		for _, x in ipairs(g.pts) do
			if x >= lo and (x < hi or (not open and x == hi)) then c = c + 1 end
		end
		return c
	end
	-- Adds a point to the window zset (and to g.pts when known whole).
	local function zadd(g, t, m)
		redis.call('ZADD', g.zk, num(t), m)
		if g.pts then g.pts[#g.pts + 1] = t end
		if t > g.zmax then g.zmax = t end
	end

	-- The earliest s in [t - window, t], outside every incident, such that
	-- [s, s + window] holds threshold detections; or nil.
	local function qualify(g, t, W, upto)
		local th = g.r.threshold
		-- Fewer than threshold around t: no window can hold enough.
		if g.pts then
			if count_pts(g, t - W, t + W) < th then return nil end
		elseif redis.call('ZCOUNT', g.zk, num(t - W), num(t + W)) < th then
			return nil
		end
		local raw = redis.call('ZRANGEBYSCORE', g.zk, num(t - W), num(t + W),
		    'WITHSCORES')
		local ts, ms = {}, {}
		for j = 1, #raw, 2 do
			ts[#ts + 1] = tonumber(raw[j + 1])
			ms[#ms + 1] = raw[j]
		end
		local hi = 1
		for lo = 1, #ts do
			local s = ts[lo]
			if s > t or s >= upto then break end
			if hi < lo then hi = lo end
			while hi + 1 <= #ts and ts[hi + 1] <= s + W do hi = hi + 1 end
			if s >= t - W and hi - lo + 1 >= th then
				if around(g, s, 0) == nil then return s, ms[lo] end
			end
		end
		return nil
	end

	-- One detection of rule r and group gval: the windows and incidents.
	local function detection(r, gval, evidence)
		local t = string.byte(evidence, 17) == 9 and
		    tonumber(string.sub(evidence, 1, 16), 16)
		if not t then
			add(hincr, stats, 'bad_detections', 1)
			return
		end
		local W = r.window * 1000000
		local Q = quiet_us > W and quiet_us or W
		local g = grp_get(r, gval, t - Q - W)
		if t > g.maxts then g.maxts = t end
		-- Most detections follow the group's latest incident.
		local I, L = nil, g.latest
		if L and L.f <= t and (t <= L.l or (t <= L.l + Q and extendable(L))) then
			I = L
		else
			I = around(g, t, Q)
		end
		if I then
			I.count = I.count + 1
			inc_evidence(I, evidence)
			-- A late detection's window can only need an incident's
			-- first `threshold` detections (and any that come later
			-- but lie before them): keep those in the window zset.
			if t <= I.f + W and (I.zn < r.threshold or t < I.zl) then
				zadd(g, t, evidence)
				g.zadded = true
				I.zn = I.zn + 1
				if t > I.zl then I.zl = t end
			end
			if t > I.l then
				I.l = t
				-- Nothing to take along past the latest and newest.
				if I ~= g.latest or g.zmax > t then
					I = walk(g, I, t, Q, nil)
				end
			end
			-- Does it complete a window that starts before the incident?
			-- Only if some detection lies in [t - window, f): known
			-- empty from an earlier look, until a detection is added.
			local lo = t - W
			if lo < I.f and not (I.pre_gen == g.zgen and I.pre_f == I.f and
			    lo >= I.pre_lo) then
				local n
				if g.pts then
					n = count_pts(g, lo, I.f, true)
				else
					n = redis.call('ZCOUNT', g.zk, num(lo), '(' .. num(I.f))
				end
				if n > 0 then
					local s, m = qualify(g, t, W, I.f)
					if s then
						walk(g, new_incident(g, s, m), s - 1, Q,
						    nil)
					end
				else
					I.pre_gen, I.pre_f, I.pre_lo = g.zgen, I.f, lo
				end
			end
			return
		end
		-- The member is the detection's argument: its evidence waits in
		-- the window until an incident takes the detection.
		zadd(g, t, evidence)
		g.zgen = g.zgen + 1
		local s, m = qualify(g, t, W, math.huge)
		if s == nil then return end
		local evs = {}
		local N = walk(g, new_incident(g, s, m), s - 1, Q, evs)
		-- The last evkeep walked; a member of an older commit has its
		-- evidence in winev.
		local from, old, olds = math.max(1, #evs - evkeep + 1), {}, {}
		for k = 1, #evs do
			if not is_ev(evs[k]) then
				olds[#olds + 1] = evs[k]
				if k >= from then old[#old + 1] = evs[k] end
			end
		end
		local got = #old > 0 and redis.call('HMGET', g.ek, unpack(old)) or {}
		local j = 0
		for k = from, #evs do
			local e = evs[k]
			if not is_ev(e) then j = j + 1; e = got[j] end
			if e then inc_evidence(N, e) end
		end
		if #olds > 0 then call_list('HDEL', g.ek, olds) end
	end

	-- Writes the call's incidents and trims each group's windows.
	local function flush()
		for id, c in pairs(incs) do
			if c.dirty and not (c.new and c.merged) then
				local ik = P .. 'inc:' .. id
				if c.merged then
					-- Gone from the lists; its id still says where it went.
					redis.call('HSET', ik, 'status', 'merged', 'merged_into',
					    c.merged)
					redis.call('ZREM', P .. 'incidents', id)
					redis.call('ZREM', P .. 'incidents:open', id)
					alert(P, id, 'closed', c.l, 'merged',
					    'merged into ' .. c.merged, c)
				else
					local ms = math.floor(c.l / 1000)
					if c.new then
						local r = c.rule
						redis.call('HSET', ik, 'id', id, 'rule', r.name,
						    'category', r.cat, 'severity', r.sev,
						    'group_by', r.gby, 'group', c.gval,
						    'src_ip', c.src, 'country', c.cc,
						    'sensor', c.sensor, 'status', 'open',
						    'threshold', num(r.threshold), 'window',
						    num(r.window), 'first_seen', num(c.f),
						    'last_seen', num(c.l), 'count', num(c.count),
						    'first_day', c.day or '', 'zn', num(c.zn),
						    'zl', num(c.zl))
					else
						redis.call('HSET', ik, 'first_seen', num(c.f),
						    'last_seen', num(c.l), 'count', num(c.count),
						    'first_day', c.day or '', 'zn', num(c.zn),
						    'zl', num(c.zl), 'sensor', c.sensor or '')
					end
					redis.call('ZADD', P .. 'incidents', num(ms), id)
					if c.status == 'open' or c.status == 'acknowledged' then
						redis.call('ZADD', P .. 'incidents:open', num(ms), id)
					end
					if c.nev > 0 and redis.call('LPUSH', ik .. ':ev',
					    unpack(ring_list(c))) > evkeep then
						redis.call('LTRIM', ik .. ':ev', 0, evkeep - 1)
					end
					-- Opened; escalated when it passes ten times its
					-- threshold.
					local esc = 10 * (c.rule and c.rule.threshold or 1)
					if c.new then
						alert(P, id, 'opened', c.f, c.status, '', c)
					elseif c.count0 < esc and c.count >= esc then
						alert(P, id, 'escalated', c.l, c.status,
						    'count reached ' .. esc, c)
					end
				end
			end
		end
		for _, g in ipairs(grps) do
			local W = g.r.window * 1000000
			local Q = quiet_us > W and quiet_us or W
			local horizon = g.maxts - Q - W
			local newest, changed, created = nil, false, false
			for _, c in ipairs(g.cands) do
				changed = changed or c.dirty
				created = created or c.new
				if c.merged then
					redis.call('ZREM', g.ik, c.id)
				elseif c.f then
					-- Quiet by event time: a later detection, more than Q on.
					if (c.status == 'open' or c.status == 'acknowledged') and
					    g.maxts - c.l > Q then
						c.status = 'closed'
						redis.call('HSET', P .. 'inc:' .. c.id, 'status',
						    'closed', 'closed_by', 'quiet period')
						redis.call('ZREM', P .. 'incidents:open', c.id)
						alert(P, c.id, 'closed', g.maxts, 'closed',
						    'quiet period', c)
						changed = true
					end
					if c.dirty then redis.call('ZADD', g.ik, num(c.l), c.id) end
					if newest == nil or c.f > newest.f then newest = c end
				end
			end
			if not changed then
				-- Nothing of the group's incidents moved.
			elseif newest and (newest.status == 'open' or
			    newest.status == 'acknowledged') then
				if newest.new then redis.call('SET', g.openk, newest.id) end
			elseif newest then
				local cur = redis.call('GET', g.openk)
				if cur and incs[cur] and incs[cur].status == 'closed' then
					redis.call('DEL', g.openk)
				end
			end
			-- What can no longer matter goes. The keys' lifetime is renewed
			-- each quarter of Q of event time (their own time to live is
			-- Q + window + 1 h of the wall clock), and on creation.
			local ttl = math.floor((Q + W) / 1000) + 3600000
			local q4 = Q / 4
			local renew = g.zmax0 == -math.huge or
			    math.floor(g.maxts / q4) > math.floor(g.zmax0 / q4)
			if g.zgen > 0 or (g.zadded and renew) then
				-- A group known whole trims only what it holds.
				local stale = true
				if g.pts then stale = count_pts(g, -math.huge, horizon, true) > 0 end
				if stale then
					redis.call('ZREMRANGEBYSCORE', g.zk, '-inf',
					    '(' .. num(horizon))
				end
				redis.call('PEXPIRE', g.zk, num(ttl))
			end
			if created or (changed and renew) then
				redis.call('ZREMRANGEBYSCORE', g.ik, '-inf', '(' .. num(horizon))
				redis.call('PEXPIRE', g.ik, num(ttl))
			end
		end
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

	-- What is the same whoever writes it: once, whatever the XACKs.
	local nonce = tonumber(args[i])
	i = i + 1
	groups(nonce)
	local nargs = #args
	-- Partition mode: the counts per stream too, for the correlator's
	-- per-sensor metrics ({ stream, counted, skipped, dead } each).
	local per, perl = {}, {}
	local function per_add(id, slot, n)
		local s = string.match(id, '\t(.*)$') or ''
		local c = per[s]
		if c == nil then
			c = { s, 0, 0, 0 }
			per[s] = c
			perl[#perl + 1] = c
		end
		c[slot] = c[slot] + n
	end
	while i <= nargs do
		local id, kind = args[i], args[i + 1]
		local acked
		if part then
			acked = redis.call('ZADD', stream, 'NX', num(now_ms), id) == 1
		else
			acked = redis.call('XACK', stream, group, id) == 1
		end
		if kind == 'D' then
			if acked then
				local fs, fid = stream, id
				if part then
					fid, fs = string.match(id, '^([^\t]*)\t(.*)$')
				end
				redis.call('XADD', P .. 'dead', 'MAXLEN', '~', dead_maxlen,
				    '*', 'stream', fs or '', 'id', fid or id,
				    'reason', args[i + 2], 'frame', args[i + 3])
				dead = dead + 1
				if part then per_add(id, 4, 1) end
			end
			i = i + 4
		else
			local nev, ng = tonumber(args[i + 2]), tonumber(args[i + 3])
			local nb, nd = tonumber(args[i + 4]), tonumber(args[i + 5])
			i = i + 6
			if part and nev > 0 then per_add(id, acked and 2 or 3, nev) end
			if not acked then
				skipped = skipped + nev
				for _ = 1, ng do
					local op, n = args[i], tonumber(args[i + 2])
					i = i + 3 + (op == 'P' and n or 2 * n)
				end
				i = i + nb + nd
			else
				counted = counted + nev
				groups(ng)
				for _ = 1, nb do
					local rn, n, gp = string.match(args[i],
					    '^(%x+)\t(%x+)\t()')
					local r = rules[tonumber(rn, 16)]
					local gval = string.sub(args[i], gp)
					n = tonumber(n, 16)
					i = i + 1
					if r == nil then
						add(hincr, stats, 'bad_detections', n)
					elseif gval == '' then
						add(hincr, stats, r.name .. ':no_group', n)
					else
						for k = i, i + n - 1 do
							detection(r, gval, args[k])
						end
					end
					i = i + n
				end
			end
		end
	end

	flush()
	if dead > 0 then add(hincr, P .. 'stats', 'dead', dead) end
	for k, m in pairs(hincr) do
		for f, n in pairs(m) do redis.call('HINCRBY', k, f, num(n)) end
	end
	for k, m in pairs(zincr) do
		for f, n in pairs(m) do redis.call('ZINCRBY', k, num(n), f) end
	end
	for k, m in pairs(hset) do
		local kv = {}
		for f, v in pairs(m) do
			kv[#kv + 1] = f
			kv[#kv + 1] = v
		end
		call_list('HSET', k, kv)
	end
	-- The largest value stays, whichever commit brought it.
	for k, m in pairs(hmax) do
		local kv = {}
		for f, v in pairs(m) do
			local cur = tonumber(redis.call('HGET', k, f))
			if cur == nil or cur < tonumber(v) then
				kv[#kv + 1] = f
				kv[#kv + 1] = v
			end
		end
		if #kv > 0 then call_list('HSET', k, kv) end
	end
	for k, m in pairs(pfadd) do call_list('PFADD', k, m) end
	for k in pairs(expire) do redis.call('EXPIRE', k, retention) end
	if part then
		local flat = {}
		for _, c in ipairs(perl) do
			flat[#flat + 1] = c[1]
			flat[#flat + 1] = c[2]
			flat[#flat + 1] = c[3]
			flat[#flat + 1] = c[4]
		end
		return { counted, skipped, dead, flat }
	end
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
	    '(' .. num(cutoff), 'LIMIT', 0, tonumber(args[4]))
	for _, id in ipairs(ids) do
		local ik = P .. 'inc:' .. id
		local f = redis.call('HMGET', ik, 'status', 'rule', 'group')
		if f[1] == 'open' or f[1] == 'acknowledged' then
			redis.call('HSET', ik, 'status', 'closed', 'closed_by',
			    'quiet period')
			alert(P, id, 'closed', tonumber(args[2]), 'closed',
			    'quiet period', nil)
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

redis.register_function('vigie_commit_v4', function(keys, args)
	return commit_run(false, keys, args)
end)
-- The same step for one partition of a partitioned state (DESIGN.md,
-- "Partitions"): the frames' origins are deduplicated in keys[1], the
-- partition's done zset, instead of acknowledged; the correlator sends
-- XACK once every partition call of a read has answered.
-- FCALL vigie_part_v1 1 <prefix>{p<k>.<n>}:pdone <partitions>/<k>
--       <prefix>{p<k>.<n>}: <retention_s> ... (as vigie_commit_v4), each
--       frame's <id> being its origin "<frame id>\t<stream>"
-- Returns { counted, skipped, dead, { stream, counted, skipped, dead,
-- ... } }: the same per stream.
redis.register_function('vigie_part_v1', function(keys, args)
	return commit_run(true, keys, args)
end)
redis.register_function('vigie_sweep_v1', sweep)
