/*
 * rules/scan.yar - reconnaissance: port scans from rejected flows, known
 * scanner user agents, SSH and TLS banner grabs that never authenticate.
 * Internal sources (vulnerability scanners, monitoring) are left out.
 */

rule port_scan {
  meta:
    description = "Twenty or more rejected TCP connections from one external source within a minute"
    category = "scan" severity = "medium" mitre = "T1046"
    threshold = 20 window = 60 group_by = "src_ip"
    false_positives = "a client retrying a closed service in a loop"
  condition:
    event_kind == "flow" and proto == "tcp" and state == "rejected" and not src_internal
}

rule horizontal_port_scan {
  meta:
    description = "Twenty or more rejected TCP connections to one port within a minute, from external sources (a sweep across hosts)"
    category = "scan" severity = "medium" mitre = "T1046"
    threshold = 20 window = 60 group_by = "dest_port"
    false_positives = "counts connections, not distinct hosts; a popular service that went down"
  condition:
    event_kind == "flow" and proto == "tcp" and state == "rejected" and not src_internal
}

rule vertical_port_scan {
  meta:
    description = "Twenty or more rejected TCP connections to one host within a minute, from external sources (ports probed on a host)"
    category = "scan" severity = "medium" mitre = "T1046"
    threshold = 20 window = 60 group_by = "dest_ip"
    false_positives = "counts connections, not distinct ports; a host whose service is down"
  condition:
    event_kind == "flow" and proto == "tcp" and state == "rejected" and not src_internal
}

rule scanner_user_agent {
  meta:
    description = "An HTTP request whose User-Agent names a known scanner or attack tool"
    category = "scan" severity = "low" mitre = "T1595.002"
    threshold = 1 window = 300 group_by = "src_ip"
    false_positives = "an authorised external assessment; internal scanners are left out"
  condition:
    user_agent != "" and not src_internal and
    (user_agent icontains "sqlmap" or user_agent icontains "nikto" or
     user_agent icontains "nmap" or user_agent icontains "masscan" or
     user_agent icontains "zgrab" or user_agent icontains "nuclei" or
     user_agent icontains "wpscan" or user_agent icontains "dirbuster" or
     user_agent icontains "gobuster" or user_agent icontains "fuzz faster" or
     user_agent icontains "acunetix" or user_agent icontains "nessus" or
     user_agent icontains "openvas" or user_agent icontains "hydra" or
     user_agent icontains "w3af" or user_agent icontains "netsparker")
}

rule ssh_banner_grab {
  meta:
    description = "A TCP connection to SSH that ended after at most a client banner (no key exchange, no authentication)"
    category = "scan" severity = "low" mitre = "T1595.001"
    threshold = 1 window = 300 group_by = "src_ip"
    false_positives = "a load balancer's TCP health check; internal monitoring is left out"
  condition:
    event_kind == "flow" and dest_port == 22 and proto == "tcp" and not src_internal and
    (state == "closed" or state == "established" or state == "timeout") and
    bytes_toserver < 600
}

rule ssh_no_identification {
  meta:
    description = "sshd saw a connection that never sent a valid identification (a banner grab or a non-SSH probe)"
    category = "scan" severity = "low" mitre = "T1595.001"
    threshold = 3 window = 600 group_by = "src_ip"
    false_positives = "a TCP health check of port 22 (give the checker's address to the internal ranges)"
  condition:
    service == "sshd" and (action == "no_ident" or action == "bad_protocol")
}

rule tls_banner_grab {
  meta:
    description = "A TLS ClientHello without a server name that sent little else: a certificate grab by address"
    category = "scan" severity = "low" mitre = "T1595.001"
    threshold = 1 window = 300 group_by = "src_ip"
    false_positives = "old clients that connect by IP address (no SNI) and exchange little data"
  condition:
    event_kind == "flow" and app_proto == "tls" and tls_sni == "" and
    bytes_toserver < 1500 and not src_internal
}
