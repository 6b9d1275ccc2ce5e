/*
 * rules/flow.yar - network flows from the collector's capture (kind
 * "flow"): who reaches administration ports from abroad, who scans, and
 * what leaves the jurisdiction (DESIGN.md, "Flows").
 */

rule admin_port_from_abroad {
  meta:
    description = "A flow from a foreign source to an administration port (SSH, RDP)"
    category = "policy" severity = "high" group_by = "src_ip"
  condition:
    event_kind == "flow" and extraterritorial and (dest_port == 22 or dest_port == 3389)
}

rule port_scan {
  meta:
    description = "Twenty or more rejected connection attempts from one source within a minute"
    category = "recon" severity = "medium"
    threshold = 20 window = 60 group_by = "src_ip"
  condition:
    event_kind == "flow" and proto == "tcp" and state == "rejected"
}

rule data_leaving_jurisdiction {
  meta:
    description = "An internal host sent more than 10 MB in one flow to a destination outside the home countries"
    category = "exfiltration" severity = "high" group_by = "src_ip"
  condition:
    event_kind == "flow" and outbound_abroad and bytes_toserver > 10000000
}
