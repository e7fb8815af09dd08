import Foundation
import OspreyAgent
import OspreyFormats
import OspreyModel
import OspreyTestSupport
import Testing

/// Each collector reading real files captured from a host, checked against values read off
/// those files by hand.
struct FixtureTests {
    @Test func cpuSecondsAreJiffiesOverUserHertz() throws {
        let families = try CPUCollector(paths: fixtureRoot()).collect()
        // cpu0 1209983 7 140592 687582 3978 0 1059 4864 0 0
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "user"]) == 12099.83)
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "nice"]) == 0.07)
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "idle"]) == 6875.82)
        #expect(families.value("node_cpu_seconds_total", ["cpu": "1", "mode": "steal"]) == 47.6)
        #expect(families.value("node_cpu_guest_seconds_total", ["cpu": "1", "mode": "nice"]) == 0)
        let seconds = try #require(families.family("node_cpu_seconds_total"))
        #expect(seconds.type == .counter)
        #expect(seconds.help == "Seconds the CPUs spent in each mode.")
        #expect(seconds.samples.count == 2 * 8, "2 CPUs × 8 modes, and no line for the all-CPU sum")
        #expect(
            Set(seconds.samples.compactMap { $0.labels["mode"] })
                == ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"])
    }

    @Test func cpuCountersNeverGoBackwardsUnlessTheCPUWasReplugged() throws {
        let (folder, paths) = try makeHost(["proc/stat": "cpu0 100 0 50 10000 40 0 0 0 0 0\n"])
        let collector = CPUCollector(paths: paths)
        _ = try collector.collect()
        func rewrite(_ line: String) throws {
            try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: paths.proc("stat")))
        }
        // iowait steps back from 40 to 39 ticks: keep 0.4 s.
        try rewrite("cpu0 110 0 50 10010 39 0 0 0 0 0")
        var families = try collector.collect()
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "iowait"]) == 0.4)
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "user"]) == 1.1)
        // idle falls by more than 3 s: the CPU was unplugged and its counters start over.
        try rewrite("cpu0 5 0 1 20 1 0 0 0 0 0")
        families = try collector.collect()
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "idle"]) == 0.2)
        #expect(families.value("node_cpu_seconds_total", ["cpu": "0", "mode": "iowait"]) == 0.01)
        _ = folder
    }

    @Test func statCountersComeFromTheirOwnLines() throws {
        let families = try StatCollector(paths: fixtureRoot()).collect()
        #expect(families.value("node_intr_total") == 17_577_211)
        #expect(families.value("node_context_switches_total") == 31_621_203)
        #expect(families.value("node_boot_time_seconds") == 1_795_973_795)
        #expect(families.value("node_forks_total") == 597_080)
        #expect(families.value("node_procs_running") == 3)
        #expect(families.value("node_procs_blocked") == 0)
        #expect(families.family("node_boot_time_seconds")?.type == .gauge)
        #expect(families.family("node_forks_total")?.type == .counter)
    }

    @Test func loadAverages() throws {
        let families = try LoadavgCollector(paths: fixtureRoot()).collect()
        #expect(families.value("node_load1") == 2.46)
        #expect(families.value("node_load5") == 1.5)
        #expect(families.value("node_load15") == 1.72)
        #expect(families.family("node_load1")?.help == "1m load average.")
    }

    @Test func meminfoNamesAndUnitsAsNodeExporter() throws {
        let families = try MeminfoCollector(paths: fixtureRoot()).collect()
        #expect(families.value("node_memory_MemTotal_bytes") == 24_684_084.0 * 1024)
        #expect(families.value("node_memory_Active_anon_bytes") == 1544.0 * 1024, "Active(anon) → Active_anon")
        #expect(families.value("node_memory_HugePages_Total") == 0, "a count keeps its name, without _bytes")
        #expect(families.family("node_memory_MemTotal_bytes")?.help == "Memory information field MemTotal_bytes.")
        #expect(families.allSatisfy { $0.type == .gauge })
        #expect(!families.contains { $0.name.contains("(") })
    }

    @Test func diskstatsSkipExcludedDevicesAndScaleUnits() throws {
        let families = try DiskstatsCollector(paths: fixtureRoot()).collect()
        // 254 0 vda 2484023 142166 82459866 2789780 1238666 1054159 201224616 1459453 0 379564
        //   4406495 1022428 14 222056952 138782 204938 18478
        #expect(families.value("node_disk_reads_completed_total", ["device": "vda"]) == 2_484_023)
        #expect(families.value("node_disk_read_bytes_total", ["device": "vda"]) == 82_459_866.0 * 512)
        #expect(families.value("node_disk_read_time_seconds_total", ["device": "vda"]) == 2_789_780 * 0.001)
        #expect(families.value("node_disk_written_bytes_total", ["device": "vda"]) == 201_224_616.0 * 512)
        #expect(families.value("node_disk_io_now", ["device": "vda"]) == 0)
        #expect(families.value("node_disk_discarded_sectors_total", ["device": "vda"]) == 222_056_952)
        #expect(families.value("node_disk_flush_requests_total", ["device": "vda"]) == 204_938)
        #expect(families.value("node_disk_info", ["device": "vda", "major": "254", "minor": "0"]) == 1)
        let devices = Set(families.flatMap(\.samples).compactMap { $0.labels["device"] })
        #expect(devices == ["vda", "zram0"], "loop devices are excluded by node_exporter's default")
        #expect(families.count == 1 + 17)
    }

    @Test func netdevCountersPerInterfaceWithoutLoopback() throws {
        let families = try NetdevCollector(paths: fixtureRoot()).collect()
        //  eth0: 93909705 1924 0 0 0 0 0 0 98527 1166 0 0 0 0 0 0
        #expect(families.value("node_network_receive_bytes_total", ["device": "eth0"]) == 93_909_705)
        #expect(families.value("node_network_receive_packets_total", ["device": "eth0"]) == 1924)
        #expect(families.value("node_network_transmit_bytes_total", ["device": "eth0"]) == 98527)
        #expect(families.value("node_network_transmit_packets_total", ["device": "eth0"]) == 1166)
        #expect(families.value("node_network_receive_nohandler_total", ["device": "eth0"]) == 0)
        #expect(families.value("node_network_receive_bytes_total", ["device": "lo"]) == nil)
        #expect(families.value("node_network_receive_bytes_total", ["device": "ifb0"]) == 0)
        #expect(
            families.family("node_network_transmit_colls_total")?.help
                == "Network device statistic transmit_colls.")
        #expect(families.count == 17)
    }

    @Test func filesystemsSkipPseudoAndExcludedMounts() throws {
        let families = try FilesystemCollector(paths: fixtureRoot()).collect()
        let size = try #require(families.family("node_filesystem_size_bytes"))
        // Of the captured mounts only "/" (ext4 on /dev/vda) is neither under /dev, /proc, /sys,
        // /mnt nor of an excluded type.
        #expect(
            size.samples.map(\.labels) == [
                Labels([
                    Label("__name__", "node_filesystem_size_bytes"), Label("device", "/dev/vda"),
                    Label("fstype", "ext4"), Label("mountpoint", "/"),
                ])
            ])
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/"]) == 0)
        #expect(families.value("node_filesystem_readonly", ["mountpoint": "/"]) == 0)
        #expect((families.value("node_filesystem_size_bytes") ?? 0) > 0)
    }

    @Test func filesystemUnescapesMountPointsAndReportsFailedStatistics() throws {
        let (folder, paths) = try makeHost([
            "proc/mounts": """
            /dev/sdb1 /srv ext4 ro,relatime 0 0
            /dev/sdc1 /data\\040disk xfs rw 0 0
            tmpfs /tmp tmpfs rw 0 0
            tmpfs /tmp tmpfs rw 0 0
            """,
            "srv/.keep": "",
            "tmp/.keep": "",
        ])
        _ = folder
        let families = try FilesystemCollector(paths: paths).collect()
        #expect(families.value("node_filesystem_readonly", ["mountpoint": "/srv"]) == 1)
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/srv"]) == 0)
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/data disk", "device": "/dev/sdc1"]) == 1)
        #expect(families.value("node_filesystem_size_bytes", ["mountpoint": "/data disk"]) == nil)
        #expect(families.family("node_filesystem_size_bytes")?.samples.count == 2, "/tmp once though mounted twice")
    }

    @Test func mountsUnderTheRootAreReportedAsTheHostNamesThem() throws {
        let (folder, paths) = try makeHost(["srv/.keep": ""])
        try Data("/dev/sdb1 \(paths.root)/srv ext4 rw 0 0\n".utf8)
            .write(to: URL(fileURLWithPath: paths.proc("mounts")).createdParent())
        let families = try FilesystemCollector(paths: paths).collect()
        #expect(families.value("node_filesystem_device_error", ["mountpoint": "/srv"]) == 0)
        _ = folder
    }

    @Test func diskInfoFromUdev() throws {
        let (folder, paths) = try makeHost([
            "proc/diskstats": "   8       0 sda 1 2 3 4 5 6 7 8 0 10 11\n 253 0 dm-0 1 2 3 4 5 6 7 8 0 10 11\n",
            "run/udev/data/b8:0": """
            S:disk/by-id/ata-Samsung_SSD
            E:ID_ATA=1
            E:ID_ATA_ROTATION_RATE_RPM=0
            E:ID_ATA_WRITE_CACHE=1
            E:ID_MODEL=Samsung_SSD_870
            E:ID_SERIAL_SHORT=S5Y1NX0R
            E:ID_REVISION=SVT02B6Q
            E:ID_PATH=pci-0000:00:17.0-ata-1
            E:ID_WWN=0x5002538f
            E:ID_FS_TYPE=LVM2_member
            E:ID_FS_USAGE=raid
            E:ID_FS_UUID=abc
            E:ID_FS_VERSION=LVM2 001
            """,
            "run/udev/data/b253:0": "E:DM_NAME=vg0-root\nE:DM_UUID=LVM-x\nE:DM_VG_NAME=vg0\nE:DM_LV_NAME=root\n",
        ])
        _ = folder
        let families = try DiskstatsCollector(paths: paths).collect()
        #expect(
            families.value(
                "node_disk_info",
                [
                    "device": "sda", "model": "Samsung_SSD_870", "serial": "S5Y1NX0R", "revision": "SVT02B6Q",
                    "path": "pci-0000:00:17.0-ata-1", "wwn": "0x5002538f", "major": "8", "minor": "0",
                ]) == 1)
        #expect(families.value("node_disk_filesystem_info", ["device": "sda", "type": "LVM2_member", "version": "LVM2 001"]) == 1)
        #expect(families.value("node_disk_device_mapper_info", ["device": "dm-0", "name": "vg0-root", "vg_name": "vg0", "lv_name": "root"]) == 1)
        #expect(families.value("node_disk_ata_rotation_rate_rpm", ["device": "sda"]) == 0)
        #expect(families.value("node_disk_ata_write_cache", ["device": "sda"]) == 1)
        #expect(families.family("node_disk_ata_write_cache_enabled") == nil, "no property, no family")
        #expect(families.family("node_disk_discards_completed_total") == nil, "an 11-counter kernel has no discards")
        #expect(families.value("node_disk_io_time_seconds_total", ["device": "sda"]) == 0.01)
    }

    @Test func timeAndClocksources() throws {
        let families = try TimeCollector(paths: fixtureRoot()).collect()
        #expect(families.value("node_time_clocksource_current_info", ["clocksource": "tsc", "device": "0"]) == 1)
        #expect(families.family("node_time_clocksource_available_info")?.samples.count == 2)
        let now = try #require(families.value("node_time_seconds"))
        #expect(now > 1_700_000_000)
    }

    @Test func malformedFileNamesFileAndLine() throws {
        let (folder, paths) = try makeHost([
            "proc/meminfo": "MemTotal:       24684084 kB\nMemFree:        lots kB\n",
            "proc/stat": "cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3\n",
            "proc/net/dev": "header\nheader\n  eth0: 1 2 3\n",
            "proc/diskstats": " 254 0 vda 1 2 3 4 5 6 7 8 0 x 11\n",
        ])
        _ = folder
        let meminfo = #expect(throws: HostCollectorError.self) { try MeminfoCollector(paths: paths).collect() }
        #expect(meminfo?.file == paths.proc("meminfo"))
        #expect(meminfo?.line == 2)
        #expect(meminfo?.description.hasPrefix(paths.proc("meminfo") + ":2: ") == true)
        let stat = #expect(throws: HostCollectorError.self) { try CPUCollector(paths: paths).collect() }
        #expect(stat?.line == 2)
        let netdev = #expect(throws: HostCollectorError.self) { try NetdevCollector(paths: paths).collect() }
        #expect(netdev?.line == 3)
        let diskstats = #expect(throws: HostCollectorError.self) { try DiskstatsCollector(paths: paths).collect() }
        #expect(diskstats?.line == 1)
        #expect(diskstats?.description.contains("\"x\"") == true)
    }

    @Test func oneFailingCollectorCostsOnlyItsOwnMetrics() throws {
        let (folder, paths) = try makeHost(["proc/loadavg": "0.5 0.25 0.125 1/100 42\n"])
        _ = folder
        let families = try HostCollectors(enabled: ["loadavg", "meminfo", "uname"], paths: paths).collect()
        #expect(families.value("node_load1") == 0.5)
        #expect(families.value("node_scrape_collector_success", ["collector": "loadavg"]) == 1)
        #expect(families.value("node_scrape_collector_success", ["collector": "meminfo"]) == 0)
        #expect(families.value("node_scrape_collector_success", ["collector": "uname"]) == 1)
        #expect(families.value("node_uname_info", ["sysname": "Linux"]) == 1)
        #expect(families.family("node_scrape_collector_duration_seconds")?.samples.count == 3)
        #expect(throws: HostCollectors.UnknownCollectorError.self) { try HostCollectors(enabled: ["cpux"]) }
    }
}
