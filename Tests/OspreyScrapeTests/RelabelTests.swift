import OspreyConfig
import OspreyModel
import Testing

@testable import OspreyScrape

/// Runs the steps over a label set, as a scrape does.
private func relabel(_ labels: [String: String], _ steps: RelabelConfiguration...) -> Labels? {
    Relabeler(steps).process(Labels(labels))
}

@Suite struct RelabelReplaceTests {
    @Test func defaultsCopyTheSourceValueToTheTarget() {
        let result = relabel(["a": "foo"], RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b"))
        #expect(result == Labels(["a": "foo", "b": "foo"]))
    }

    @Test func sourceValuesAreJoinedWithTheSeparator() {
        let labels = ["a": "x", "b": "y"]
        #expect(relabel(labels, RelabelConfiguration(sourceLabels: ["a", "b"], targetLabel: "c"))?["c"] == "x;y")
        #expect(relabel(labels, RelabelConfiguration(sourceLabels: ["b", "a"], separator: "-", targetLabel: "c"))?["c"] == "y-x")
    }

    @Test func aMissingSourceLabelCountsAsEmpty() {
        let step = RelabelConfiguration(sourceLabels: ["a", "missing", "b"], targetLabel: "c")
        #expect(relabel(["a": "x", "b": "y"], step)?["c"] == "x;;y")
    }

    @Test func anEmptyResultDeletesTheTarget() {
        let copyMissing = RelabelConfiguration(sourceLabels: ["missing"], targetLabel: "b")
        #expect(relabel(["a": "1", "b": "2"], copyMissing) == Labels(["a": "1"]))
        let emptyReplacement = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "a", replacement: "")
        #expect(relabel(["a": "1", "b": "2"], emptyReplacement) == Labels(["b": "2"]))
    }

    @Test func aLiteralReplacementIsSetWhenTheRegexMatches() {
        // The default regex matches the empty value of a missing label, so this always sets `env`.
        let step = RelabelConfiguration(sourceLabels: ["missing"], targetLabel: "env", replacement: "prod")
        #expect(relabel(["a": "1"], step) == Labels(["a": "1", "env": "prod"]))
    }

    @Test func noMatchChangesNothing() {
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "bar", replacement: "baz")
        #expect(relabel(["a": "foo", "b": "keep"], step) == Labels(["a": "foo", "b": "keep"]))
    }

    @Test func theRegexMustMatchTheWholeValue() {
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "o+", replacement: "matched")
        #expect(relabel(["a": "foo"], step)?["b"] == nil)
        #expect(relabel(["a": "oo"], step)?["b"] == "matched")
    }

    @Test func theDefaultRegexDoesNotMatchANewline() {
        // RE2's `.` stops at a newline, so `(.*)` does not match a value holding one.
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b")
        #expect(relabel(["a": "line1\nline2"], step) == Labels(["a": "line1\nline2"]))
    }

    @Test func numberedBracedAndNamedGroupsExpand() {
        let step = RelabelConfiguration(
            sourceLabels: ["__address__"], targetLabel: "where", regex: "(?P<host>[^:]+):([0-9]+)",
            replacement: "$1|${2}|$host|${host}|$0|$$1")
        let result = relabel(["__address__": "node1:9100"], step)
        #expect(result?["where"] == "node1|9100|node1|node1|node1:9100|$1")
    }

    @Test func goSyntaxThatOtherEnginesRefuseOrExplodeOnWorks() {
        // `[]a]` is a class of `]` and `a` in Go; `(a+)+$` on a long near miss is linear on RE2.
        let bracket = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "x([]a]+)y", replacement: "$1")
        #expect(relabel(["a": "x]a]y"], bracket)?["b"] == "]a]")
        let nested = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "(a+)+$", replacement: "hit")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(relabel(["a": String(repeating: "a", count: 4000) + "b"], nested)?["b"] == nil)
        // A backtracking engine would not finish this; the bound leaves room for a loaded machine.
        #expect(clock.now - start < .seconds(10))
    }

    @Test func aReferenceTakesEveryWordCharacterAfterTheDollar() {
        // Go reads `$1_port` as the group named `1_port`, which does not exist; `${1}_port` is group 1.
        let unbraced = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "(.*)", replacement: "$1_port")
        #expect(relabel(["a": "x", "b": "old"], unbraced) == Labels(["a": "x"]))
        let braced = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "(.*)", replacement: "${1}_port")
        #expect(relabel(["a": "x"], braced)?["b"] == "x_port")
        // Unicode letters count as word characters in a reference, as in Go.
        let accented = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", replacement: "$1é")
        #expect(relabel(["a": "x", "b": "old"], accented) == Labels(["a": "x"]))
    }

    @Test func aMalformedReferenceStaysAsText() {
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", replacement: "${1 $ ${} $-")
        #expect(relabel(["a": "x"], step)?["b"] == "${1 $ ${} $-")
    }

    @Test func aGroupThatDidNotTakePartExpandsToNothing() {
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", regex: "(x)|(y)", replacement: "[$1][$2][$3]")
        #expect(relabel(["a": "y"], step)?["b"] == "[][y][]")
    }

    @Test func theTargetNameCanComeFromAGroup() {
        let step = RelabelConfiguration(
            sourceLabels: ["__meta_tag"], targetLabel: "${1}_tag", regex: "([a-z]+)=(.*)", replacement: "$2")
        #expect(relabel(["__meta_tag": "env=prod"], step) == Labels(["__meta_tag": "env=prod", "env_tag": "prod"]))
    }

    @Test func aTargetThatExpandsToAnInvalidNameIsSkipped() {
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "$1", regex: "(.*)", replacement: "v")
        #expect(relabel(["a": "not-a-name"], step) == Labels(["a": "not-a-name"]))
        #expect(relabel(["a": "1starts_with_digit"], step) == Labels(["a": "1starts_with_digit"]))
        // An empty expansion is no name either.
        #expect(relabel(["b": "1"], step) == Labels(["b": "1"]))
        #expect(relabel(["a": "good"], step) == Labels(["a": "good", "good": "v"]))
    }

    @Test func replaceCanRenameTheMetric() {
        let step = RelabelConfiguration(
            sourceLabels: ["__name__"], targetLabel: "__name__", regex: "node_(.*)", replacement: "host_$1")
        #expect(relabel(["__name__": "node_load1", "job": "n"], step) == Labels(["__name__": "host_load1", "job": "n"]))
    }
}

@Suite struct RelabelFilterTests {
    @Test func keepKeepsOnlyMatchingLabelSets() {
        let step = RelabelConfiguration(sourceLabels: ["__name__"], regex: "go_.*|up", action: .keep)
        #expect(relabel(["__name__": "go_goroutines"], step) != nil)
        #expect(relabel(["__name__": "up"], step) != nil)
        #expect(relabel(["__name__": "process_cpu_seconds_total"], step) == nil)
        // Anchored at both ends: a match inside the value is no match.
        #expect(relabel(["__name__": "upstream"], step) == nil)
    }

    @Test func dropDropsMatchingLabelSets() {
        let step = RelabelConfiguration(sourceLabels: ["__name__"], regex: "go_.*", action: .drop)
        #expect(relabel(["__name__": "go_goroutines"], step) == nil)
        #expect(relabel(["__name__": "up"], step) == Labels(["__name__": "up"]))
    }

    @Test func keepAndDropSeeAMissingLabelAsEmpty() {
        let keepNonEmpty = RelabelConfiguration(sourceLabels: ["team"], regex: ".+", action: .keep)
        #expect(relabel(["__name__": "up"], keepNonEmpty) == nil)
        #expect(relabel(["__name__": "up", "team": "a"], keepNonEmpty) != nil)
        let dropEmpty = RelabelConfiguration(sourceLabels: ["team"], regex: "", action: .drop)
        #expect(relabel(["__name__": "up"], dropEmpty) == nil)
    }

    @Test func keepAndDropMatchTheJoinedValue() {
        let step = RelabelConfiguration(sourceLabels: ["job", "env"], regex: "api;prod", action: .keep)
        #expect(relabel(["job": "api", "env": "prod"], step) != nil)
        #expect(relabel(["job": "api", "env": "dev"], step) == nil)
    }

    @Test func keepequalKeepsWhenTheTargetHoldsTheSourceValue() {
        let step = RelabelConfiguration(sourceLabels: ["__meta_port"], targetLabel: "port", action: .keepequal)
        #expect(relabel(["__meta_port": "9100", "port": "9100"], step) != nil)
        #expect(relabel(["__meta_port": "9100", "port": "9200"], step) == nil)
        #expect(relabel(["__meta_port": "9100"], step) == nil)
        // Both missing: both empty, so equal.
        #expect(relabel(["other": "x"], step) != nil)
    }

    @Test func dropequalDropsWhenTheTargetHoldsTheSourceValue() {
        let step = RelabelConfiguration(sourceLabels: ["a", "b"], targetLabel: "c", action: .dropequal)
        #expect(relabel(["a": "1", "b": "2", "c": "1;2"], step) == nil)
        #expect(relabel(["a": "1", "b": "2", "c": "1"], step) == Labels(["a": "1", "b": "2", "c": "1"]))
    }

    @Test func keepequalComparesBytes() {
        // `é` as one code point and as `e` with a combining accent are different values to Prometheus.
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", action: .keepequal)
        #expect(relabel(["a": "\u{E9}", "b": "e\u{301}"], step) == nil)
    }
}

@Suite struct RelabelLabelNameTests {
    @Test func labelmapCopiesMatchingLabelsUnderNewNames() {
        let step = RelabelConfiguration(regex: "__meta_kubernetes_pod_label_(.+)", action: .labelmap)
        let result = relabel(
            ["__meta_kubernetes_pod_label_app": "web", "__meta_kubernetes_pod_label_tier": "front", "job": "k8s"], step)
        #expect(
            result
                == Labels([
                    "__meta_kubernetes_pod_label_app": "web", "__meta_kubernetes_pod_label_tier": "front", "job": "k8s",
                    "app": "web", "tier": "front",
                ]))
    }

    @Test func labelmapExpandsTheReplacement() {
        let step = RelabelConfiguration(regex: "meta_(\\w+)_(\\w+)", replacement: "${2}_of_$1", action: .labelmap)
        #expect(relabel(["meta_a_b": "v"], step) == Labels(["meta_a_b": "v", "b_of_a": "v"]))
    }

    @Test func labelmapLetsTheLastVisitedLabelWin() {
        // Prometheus visits untouched labels by name, then labels set by earlier steps in the
        // order they were set; when two map to one name, the later visit wins.
        let step = RelabelConfiguration(regex: "[ab]_(x)", action: .labelmap)
        #expect(relabel(["a_x": "from a", "b_x": "from b"], step)?["x"] == "from b")
        let setAFirst = RelabelConfiguration(sourceLabels: ["source"], targetLabel: "a_x")
        #expect(relabel(["source": "from a", "b_x": "from b"], setAFirst, step)?["x"] == "from a")
    }

    @Test func labeldropRemovesLabelsWhoseNameMatches() {
        let step = RelabelConfiguration(regex: "__meta_.*|tmp", action: .labeldrop)
        let result = relabel(["__meta_a": "1", "__meta_b": "2", "tmp": "3", "tmp2": "4", "job": "j"], step)
        #expect(result == Labels(["tmp2": "4", "job": "j"]))
    }

    @Test func labelkeepRemovesLabelsWhoseNameDoesNotMatch() {
        let step = RelabelConfiguration(regex: "__name__|job|instance", action: .labelkeep)
        let result = relabel(["__name__": "up", "job": "j", "instance": "i", "pod": "p", "jobs": "x"], step)
        #expect(result == Labels(["__name__": "up", "job": "j", "instance": "i"]))
    }
}

@Suite struct RelabelValueTests {
    @Test func hashmodGivesPrometheusShards() {
        // Expected values from the last 8 bytes of the MD5, big-endian, modulo the modulus:
        // python3 -c "import hashlib;print(int.from_bytes(hashlib.md5(b'10.0.0.1:9100').digest()[8:],'big') % 10)"  # 5
        // ... b'node-exporter-1.example.com:9100' ... % 1000  # 108
        // ... b'foo;bar' ... % 10  # 0
        // ... b'' ... % 1000  # 958
        let byTen = RelabelConfiguration(sourceLabels: ["__address__"], targetLabel: "shard", modulus: 10, action: .hashmod)
        #expect(relabel(["__address__": "10.0.0.1:9100"], byTen)?["shard"] == "5")
        let byThousand = RelabelConfiguration(sourceLabels: ["__address__"], targetLabel: "shard", modulus: 1000, action: .hashmod)
        #expect(relabel(["__address__": "node-exporter-1.example.com:9100"], byThousand)?["shard"] == "108")
        #expect(relabel(["other": "x"], byThousand)?["shard"] == "958")
        let joined = RelabelConfiguration(sourceLabels: ["a", "b"], targetLabel: "shard", modulus: 10, action: .hashmod)
        #expect(relabel(["a": "foo", "b": "bar"], joined)?["shard"] == "0")
    }

    @Test func hashmodWithAnUnvalidatedZeroModulusChangesNothing() {
        let step = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "shard", modulus: 0, action: .hashmod)
        #expect(relabel(["a": "x"], step) == Labels(["a": "x"]))
    }

    @Test func md5MatchesKnownDigests() {
        // python3 -c "import hashlib;print(hashlib.md5(b'a'*55).hexdigest())", and so on: the
        // lengths around a 64-byte block test the padding.
        let expected: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            (String(repeating: "a", count: 55), "ef1772b6dff9a122358552954ad0df65"),
            (String(repeating: "a", count: 56), "3b0c8ac703f828b04c6c197006d17218"),
            (String(repeating: "a", count: 63), "b06521f39153d618550606be297466d5"),
            (String(repeating: "a", count: 64), "014842d480b571495a4a0363793f7367"),
            (String(repeating: "a", count: 65), "c743a45e0d2e6a95cb859adae0248435"),
            (String(repeating: "a", count: 128), "e510683b3f5ffe4093d021808bc6ff70"),
            ("é☃", "9c469142fad67d527a1c2b304694a364"),
        ]
        for (text, digest) in expected {
            var text = text
            let hex = text.withUTF8 { MD5.digest($0) }.map { byte in
                let digits = String(byte, radix: 16)
                return byte < 16 ? "0" + digits : digits
            }.joined()
            #expect(hex == digest, "\(text.utf8.count) bytes")
        }
    }

    @Test func lowercaseAndUppercaseSetTheTarget() {
        let lower = RelabelConfiguration(sourceLabels: ["a", "b"], targetLabel: "c", action: .lowercase)
        #expect(relabel(["a": "FoO", "b": "BAR-1"], lower)?["c"] == "foo;bar-1")
        let upper = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "a", action: .uppercase)
        #expect(relabel(["a": "web-01"], upper) == Labels(["a": "WEB-01"]))
        // An empty source value removes the target.
        let lowerMissing = RelabelConfiguration(sourceLabels: ["missing"], targetLabel: "c", action: .lowercase)
        #expect(relabel(["c": "old"], lowerMissing) == Labels())
    }

    @Test func caseMappingKeepsOneCodePointPerCodePointAsGoDoes() {
        // Go's simple case mapping: `ß` has no single upper case and stays, `İ` lowers to `i`,
        // where Swift's full mapping would give `SS` and `i̇`.
        let upper = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", action: .uppercase)
        #expect(relabel(["a": "straße ǆ ᾳ é"], upper)?["b"] == "STRAßE Ǆ ᾼ É")
        let lower = RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b", action: .lowercase)
        #expect(relabel(["a": "İSTANBUL ΣΑΣ Ǆ"], lower)?["b"] == "istanbul σασ ǆ")
    }
}

@Suite struct RelabelerTests {
    @Test func noStepsLeaveTheLabelsAlone() {
        #expect(relabel(["a": "1"]) == Labels(["a": "1"]))
    }

    @Test func stepsRunInOrderAndSeeEarlierResults() {
        let steps = [
            RelabelConfiguration(sourceLabels: ["__address__"], targetLabel: "host", regex: "([^:]+):.*"),
            RelabelConfiguration(sourceLabels: ["host"], targetLabel: "instance", replacement: "$1.example.com"),
            RelabelConfiguration(regex: "__address__", action: .labeldrop),
        ]
        let result = Relabeler(steps).process(Labels(["__address__": "db1:5432", "job": "pg"]))
        #expect(result == Labels(["host": "db1", "instance": "db1.example.com", "job": "pg"]))
    }

    @Test func aDropEndsProcessing() {
        let steps = [
            RelabelConfiguration(sourceLabels: ["job"], regex: "skip", action: .drop),
            RelabelConfiguration(sourceLabels: ["job"], targetLabel: "seen"),
        ]
        let relabeler = Relabeler(steps)
        #expect(relabeler.process(Labels(["job": "skip"])) == nil)
        #expect(relabeler.process(Labels(["job": "run"])) == Labels(["job": "run", "seen": "run"]))
    }

    @Test func aLabelRemovedAndSetAgainHasItsNewValue() {
        let steps = [
            RelabelConfiguration(regex: "a", action: .labeldrop),
            RelabelConfiguration(sourceLabels: ["a"], targetLabel: "copy"),
            RelabelConfiguration(sourceLabels: ["b"], targetLabel: "a"),
            RelabelConfiguration(sourceLabels: ["a"], targetLabel: "again"),
        ]
        let result = Relabeler(steps).process(Labels(["a": "old", "b": "new"]))
        #expect(result == Labels(["a": "new", "b": "new", "again": "new"]))
    }

    @Test func aRegexThatDoesNotCompileNeverMatches() {
        // Decoding refuses such a step; one built in code must not crash a scrape.
        let drop = Relabeler([RelabelConfiguration(sourceLabels: ["a"], regex: "(", action: .drop)])
        #expect(drop.process(Labels(["a": "("])) == Labels(["a": "("]))
        let keep = Relabeler([RelabelConfiguration(sourceLabels: ["a"], regex: "a++", action: .keep)])
        #expect(keep.process(Labels(["a": "a"])) == nil)
    }

    @Test func oneRelabelerServesManyThreads() async {
        let relabeler = Relabeler([
            RelabelConfiguration(sourceLabels: ["__name__"], targetLabel: "family", regex: "([a-z]+)_.*")
        ])
        let families = await withTaskGroup(of: String?.self) { group in
            for index in 0..<64 {
                group.addTask { relabeler.process(Labels(["__name__": "node\(index % 2 == 0 ? "" : "x")_load1"]))?["family"] }
            }
            var all: [String?] = []
            for await family in group { all.append(family) }
            return all
        }
        #expect(Set(families) == ["node", "nodex"])
    }
}
