/*
 * rules/host.yar - host log rules beside sshd's: sudo password guessing and
 * removable storage entering a machine. Inputs: the sudo and kernel parsers
 * (DESIGN.md, "Parsers"); attempts are counted, never lines.
 */

rule sudo_password_guessing {
  meta:
    description = "Three or more rejected sudo password attempts by one user within five minutes"
    category = "privilege" severity = "medium"
    threshold = 3 window = 300 group_by = "user"
  condition:
    service == "sudo" and action == "auth_fail"
}

rule usb_storage_attached {
  meta:
    description = "USB mass storage attached to a host"
    category = "media" severity = "low"
    threshold = 1 window = 60 group_by = "host"
  condition:
    action == "media_attached"
}
