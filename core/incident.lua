#!lua name=vigie_incident
--
-- core/incident.lua - an analyst's change to an incident, as one atomic
-- step: the transition is checked against the status Redis holds, then
-- the status, the notes history and the alert for the SIEM are written
-- together, so no reader ever sees one without the others.
-- Embedded in core/incident.c; loaded with FUNCTION LOAD REPLACE by the
-- correlator at start (beside commit.lua), and by the CLI or the web
-- view without REPLACE when Redis does not have it. The function name
-- carries the version of the argument layout.
--
-- FCALL vigie_incident_v1 0 <prefix> <id> <op> <by> <note>
--   op    ack (open -> acknowledged) or close (open|acknowledged ->
--         closed); anything else is refused, and so is a change from
--         a status the op does not start from.
--   by    the analyst, 1 to 64 bytes; note 0 to 4096 bytes ("" for none).
-- Writes, for incident <id> (keys under the prefix):
--   inc:<id>          status; acknowledged_by/_at or closed_by/_at (µs);
--                     changes (HINCRBY 1: the per-incident change counter)
--   inc:<id>:notes    RPUSH {"ts": µs, "by", "change", "text"} (JSON)
--   alerts            XADD MAXLEN ~ 100000 * alert_id <id>:<changes>
--                     incident change ts rule category severity group_by
--                     group src_ip country status count by note
--   on close, as the quiet-period sweep of commit.lua does:
--   incidents:open    ZREM <id>
--   inc:open:<rule>:<group>  DEL, when it still names <id>
-- The time is Redis's clock (TIME), the same for every client.
-- Returns { status after the change, alert_id }.
-- Errors, by their first word: BADARG (the layout), NOTFOUND (no such
-- incident), CONFLICT (the transition is not allowed; an incident the
-- commit merged into another names that one).

local ALERTS_MAXLEN = '100000'
local BY_MAX, NOTE_MAX = 64, 4096

-- op -> the statuses it starts from, the status it ends in, and the
-- change's name in the notes and the alerts stream.
local OPS = {
	ack = { from = { open = true }, to = 'acknowledged',
	    change = 'acknowledged', who = 'acknowledged_by',
	    when = 'acknowledged_at' },
	close = { from = { open = true, acknowledged = true }, to = 'closed',
	    change = 'closed', who = 'closed_by', when = 'closed_at' },
}

local function incident(keys, args)
	local P, id, opname, by, note = args[1], args[2], args[3], args[4],
	    args[5]
	if #keys ~= 0 or #args ~= 5 then
		return redis.error_reply('BADARG vigie_incident_v1: want 0 keys '
		    .. 'and 5 arguments')
	end
	local op = OPS[opname]
	if op == nil then
		return redis.error_reply('BADARG vigie_incident_v1: unknown op')
	end
	if not string.match(id, '^[0-9]+$') or #id > 19 then
		return redis.error_reply('BADARG vigie_incident_v1: bad id')
	end
	if #by < 1 or #by > BY_MAX or #note > NOTE_MAX then
		return redis.error_reply('BADARG vigie_incident_v1: name of 1 to '
		    .. BY_MAX .. ' bytes, note of at most ' .. NOTE_MAX)
	end

	local ik = P .. 'inc:' .. id
	local f = redis.call('HMGET', ik, 'status', 'rule', 'category',
	    'severity', 'group_by', 'group', 'src_ip', 'country', 'count',
	    'merged_into')
	local status, rule, group = f[1], f[2], f[6]
	if not status or not rule then
		return redis.error_reply('NOTFOUND no incident ' .. id)
	end
	if not op.from[status] then
		if status == 'merged' and f[10] then
			return redis.error_reply('CONFLICT incident ' .. id ..
			    ' was merged into incident ' .. f[10])
		end
		if status == op.to then
			return redis.error_reply('CONFLICT incident ' .. id ..
			    ' is already ' .. status)
		end
		return redis.error_reply('CONFLICT incident ' .. id .. ' is ' ..
		    status .. ': it cannot be ' .. op.change)
	end

	local t = redis.call('TIME')
	local now = t[1] .. string.format('%06d', tonumber(t[2]))
	local n = redis.call('HINCRBY', ik, 'changes', 1)
	redis.call('HSET', ik, 'status', op.to, op.who, by, op.when, now)
	redis.call('RPUSH', ik .. ':notes', '{"ts":' .. now .. ',"by":' ..
	    cjson.encode(by) .. ',"change":"' .. op.change .. '","text":' ..
	    cjson.encode(note) .. '}')
	if op.to == 'closed' then
		redis.call('ZREM', P .. 'incidents:open', id)
		if group then
			local openk = P .. 'inc:open:' .. rule .. ':' .. group
			if redis.call('GET', openk) == id then
				redis.call('DEL', openk)
			end
		end
	end
	local alert_id = id .. ':' .. n
	redis.call('XADD', P .. 'alerts', 'MAXLEN', '~', ALERTS_MAXLEN, '*',
	    'alert_id', alert_id, 'incident', id, 'change', op.change,
	    'ts', now, 'rule', rule, 'category', f[3] or '',
	    'severity', f[4] or '', 'group_by', f[5] or '',
	    'group', group or '', 'src_ip', f[7] or '', 'country', f[8] or '',
	    'status', op.to, 'count', f[9] or '0', 'by', by, 'note', note)
	return { op.to, alert_id }
end

redis.register_function('vigie_incident_v1', incident)
