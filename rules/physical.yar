/*
 * rules/physical.yar - storage and devices entering or leaving a machine,
 * from the kernel's lines (DESIGN.md, "Parsers": media_attached,
 * disk_attached, usb_attached, media_removed).
 */

rule usb_storage_attached {
  meta:
    description = "USB mass storage attached to a host"
    category = "physical" severity = "low" mitre = "T1052.001"
    threshold = 1 window = 60 group_by = "host"
    false_positives = "a technician's planned maintenance; a server's own internal USB boot device at power-on"
  condition:
    action == "media_attached"
}

rule usb_storage_after_hours {
  meta:
    description = "USB mass storage attached before 07:00 or from 20:00 on (the correlator's time zone)"
    category = "physical" severity = "high" mitre = "T1052.001"
    threshold = 1 window = 60 group_by = "host"
    false_positives = "night maintenance; a reboot that re-enumerates a plugged device"
  condition:
    action == "media_attached" and (hour < 7 or hour >= 20)
}

rule removable_disk_attached {
  meta:
    description = "The kernel attached a new removable SCSI disk (a USB stick, card reader or external drive)"
    category = "physical" severity = "medium" mitre = "T1091"
    threshold = 1 window = 60 group_by = "host"
    false_positives = "a virtual machine's removable virtual media (ISO attached as a disk)"
  condition:
    action == "disk_attached"
}

rule usb_device_removed {
  meta:
    description = "A USB device was disconnected (the kernel's line does not say which kind: storage leaving, or any device)"
    category = "physical" severity = "low"
    threshold = 1 window = 60 group_by = "host"
    false_positives = "any unplugged keyboard, mouse or token; a hub resetting"
  condition:
    action == "media_removed"
}

rule usb_device_attached {
  meta:
    description = "A new USB device enumerated on a host (keyboard emulators such as a Rubber Ducky appear here first)"
    category = "physical" severity = "low" mitre = "T1200"
    threshold = 1 window = 60 group_by = "host"
    false_positives = "every keyboard, mouse and token plugged in; tune with vendor, e.g. vendor != \"046d\""
  condition:
    action == "usb_attached"
}
