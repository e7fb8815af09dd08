import Testing

@testable import OspreyConfig

/// A config file with one job whose `relabel_configs` holds `step`, a YAML mapping.
private func configText(_ step: String) -> String {
    let lines = step.split(separator: "\n", omittingEmptySubsequences: false)
    return "scrape_configs:\n  - job_name: j\n    relabel_configs:\n      - " + lines.joined(separator: "\n        ") + "\n"
}

/// The step as read from a config file.
private func readStep(_ step: String) throws -> RelabelConfiguration {
    let config = try ConfigFile.parse(configText(step), file: "osprey.yml")
    return try #require(config.scrapeConfigs.first?.relabelConfigs.first)
}

/// The errors a config file with this step gets, one a line.
private func refusal(_ step: String) throws -> String {
    let errors = try #require(throws: ConfigErrors.self) {
        try ConfigFile.parse(configText(step), file: "osprey.yml")
    }
    return errors.description
}

@Suite struct RelabelConfigurationReadingTests {
    @Test func missingKeysTakePrometheusDefaults() throws {
        let step = try readStep("source_labels: [a]\ntarget_label: b")
        #expect(step == RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b"))
        #expect(step.separator == ";")
        #expect(step.regex == "(.*)")
        #expect(step.replacement == "$1")
        #expect(step.action == .replace)
        #expect(step.modulus == nil)
    }

    @Test func everyKeyIsRead() throws {
        let step = try readStep(
            "source_labels: [a, b]\nseparator: \"-\"\ntarget_label: shard\nregex: x.*\nmodulus: 8\nreplacement: y\naction: hashmod")
        #expect(
            step
                == RelabelConfiguration(
                    sourceLabels: ["a", "b"], separator: "-", targetLabel: "shard", regex: "x.*", modulus: 8, replacement: "y",
                    action: .hashmod))
    }

    @Test func theActionIsReadInAnyCase() throws {
        #expect(try readStep("source_labels: [a]\naction: Keep").action == .keep)
        #expect(try readStep("regex: tmp\naction: LABELDROP").action == .labeldrop)
    }

    @Test func anUnknownActionIsRefused() throws {
        let message = try refusal("source_labels: [a]\naction: copy")
        #expect(
            message == "osprey.yml:5: scrape_configs[0].relabel_configs[0].action: unknown relabel action \"copy\", not one of "
                + "replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase, keepequal, dropequal")
    }

    @Test func aRefusedValueBringsNoFurtherErrors() throws {
        // With the action unreadable, the step is not also checked as a `replace` lacking a target.
        let message = try refusal("source_labels: [a]\naction: [keep]")
        #expect(!message.contains("target_label"), "\(message)")
        #expect(message.contains("relabel_configs[0].action"), "\(message)")
    }

    @Test func anUnknownKeyIsRefused() throws {
        let message = try refusal("source_labels: [a]\ntarget: b\ntarget_label: c")
        #expect(message.contains("unknown key \"target\""), "\(message)")
    }

    @Test func aKeyWithNoValueIsEmptyAsInPrometheus() throws {
        // Prometheus reads `regex:` with nothing after it as the empty regex, not `(.*)`.
        let step = try readStep("source_labels: [a]\ntarget_label: b\nregex:\nseparator:\nreplacement:")
        #expect(step.regex == "")
        #expect(step.separator == "")
        #expect(step.replacement == "")
        #expect(try refusal("source_labels: [a]\naction:").contains("relabel action cannot be empty"))
    }
}

@Suite struct RelabelConfigurationValidationTests {
    @Test func aRegexThatDoesNotCompileIsRefused() throws {
        let message = try refusal("source_labels: [a]\nregex: \"a(b\"\naction: keep")
        #expect(message.hasPrefix("osprey.yml:4: scrape_configs[0].relabel_configs[0]: invalid 'regex' \"a(b\" for keep action"), "\(message)")
        // RE2 refuses what Swift's engine would take.
        #expect(try refusal("source_labels: [a]\nregex: \"(?=x)\"\naction: drop").contains("invalid 'regex'"))
    }

    @Test(arguments: [RelabelAction.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal])
    func actionsThatWriteOrCompareNeedATargetLabel(action: RelabelAction) throws {
        let message = try refusal("source_labels: [a]\nmodulus: 4\naction: \(action.rawValue)")
        #expect(message.contains("relabel configuration for \(action.rawValue) action requires 'target_label' value"), "\(message)")
    }

    @Test func hashmodNeedsAModulusAboveZero() throws {
        let missing = try refusal("source_labels: [a]\ntarget_label: shard\naction: hashmod")
        #expect(missing.contains("relabel configuration for hashmod action requires a non-zero 'modulus'"), "\(missing)")
        let zero = try refusal("source_labels: [a]\ntarget_label: shard\nmodulus: 0\naction: hashmod")
        #expect(zero.contains("requires a non-zero 'modulus'"), "\(zero)")
        #expect(try readStep("source_labels: [a]\ntarget_label: shard\nmodulus: 3\naction: hashmod").modulus == 3)
    }

    @Test func hashmodNeedsAValidTargetName() throws {
        let message = try refusal("source_labels: [a]\ntarget_label: shard.$1\nmodulus: 3\naction: hashmod")
        #expect(message.contains("\"shard.$1\" is invalid 'target_label' for hashmod action"), "\(message)")
    }

    @Test(arguments: ["1st", "a-b", "$", "a$", "${1", "${}", "$-x", "a.${1}"])
    func replaceRefusesATargetThatIsNoLabelNameTemplate(target: String) throws {
        let message = try refusal("source_labels: [a]\ntarget_label: \"\(target)\"")
        #expect(message.contains("\"\(target)\" is invalid 'target_label' for replace action"), "\(message)")
    }

    @Test(arguments: ["b", "_b", "$1", "${1}", "${1}_suffix", "prefix_$1", "$name", "${name}x$2", "__tmp_$1_${2}"])
    func replaceTakesALabelNameOrATemplateOfOne(target: String) throws {
        #expect(try readStep("source_labels: [a]\ntarget_label: \"\(target)\"").targetLabel == target)
    }

    @Test(arguments: [RelabelAction.lowercase, .uppercase, .keepequal, .dropequal])
    func actionsThatCopyAValueNeedAPlainTargetAndNoReplacement(action: RelabelAction) throws {
        let template = try refusal("source_labels: [a]\ntarget_label: $1\naction: \(action.rawValue)")
        #expect(template.contains("\"$1\" is invalid 'target_label' for \(action.rawValue) action"), "\(template)")
        let replacement = try refusal("source_labels: [a]\ntarget_label: b\nreplacement: x\naction: \(action.rawValue)")
        #expect(replacement.contains("'replacement' can not be set for \(action.rawValue) action"), "\(replacement)")
    }

    @Test func labelmapNeedsAReplacementThatMakesALabelName() throws {
        let message = try refusal("regex: __meta_(.+)\nreplacement: \"k8s-$1\"\naction: labelmap")
        #expect(message.contains("\"k8s-$1\" is invalid 'replacement' for labelmap action"), "\(message)")
        #expect(try readStep("regex: __meta_(.+)\nreplacement: k8s_${1}\naction: labelmap").replacement == "k8s_${1}")
        #expect(try readStep("regex: __meta_(.+)\naction: labelmap").replacement == "$1")
    }

    @Test(arguments: ["regex: a.*", "separator: \",\"", "modulus: 2"])
    func keepequalAndDropequalTakeOnlySourceAndTarget(extra: String) throws {
        for action in ["keepequal", "dropequal"] {
            let message = try refusal("source_labels: [a]\ntarget_label: b\n\(extra)\naction: \(action)")
            #expect(
                message.contains("\(action) action requires only 'source_labels' and 'target_label', and no other fields"),
                "\(message)")
        }
        #expect(try readStep("source_labels: [a]\ntarget_label: b\naction: keepequal").action == .keepequal)
    }

    @Test(arguments: ["source_labels: [a]", "source_labels: []", "target_label: b", "separator: \",\"", "modulus: 2", "replacement: x"])
    func labeldropAndLabelkeepTakeOnlyARegex(extra: String) throws {
        for action in ["labeldrop", "labelkeep"] {
            let message = try refusal("regex: tmp_.*\n\(extra)\naction: \(action)")
            #expect(message.contains("\(action) action requires only 'regex', and no other fields"), "\(message)")
        }
        #expect(try readStep("regex: tmp_.*\naction: labelkeep").action == .labelkeep)
    }

    @Test func problemsInSeveralStepsAreReportedTogether() throws {
        let text = """
            scrape_configs:
              - job_name: j
                relabel_configs:
                  - action: hashmod
                    target_label: shard
                metric_relabel_configs:
                  - action: labelmap
                    replacement: "a b"
            """
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse(text, file: "osprey.yml") }
        #expect(
            errors.errors.map(\.description) == [
                "osprey.yml:4: scrape_configs[0].relabel_configs[0]: relabel configuration for hashmod action requires a non-zero 'modulus'",
                "osprey.yml:7: scrape_configs[0].metric_relabel_configs[0]: \"a b\" is invalid 'replacement' for labelmap action",
            ])
    }

    @Test func stepsBuiltInCodeCanBeChecked() {
        #expect(RelabelConfiguration(sourceLabels: ["a"], targetLabel: "b").problem == nil)
        #expect(
            RelabelConfiguration(sourceLabels: ["a"], action: .uppercase).problem
                == "relabel configuration for uppercase action requires 'target_label' value")
        #expect(RelabelConfiguration(sourceLabels: ["a"], regex: "(", action: .drop).problem?.hasPrefix("invalid 'regex' \"(\"") == true)
    }

    @Test func aLongBadTemplateIsRefusedQuickly() {
        // Prometheus's own pattern for this check backtracks badly in a backtracking engine.
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(!LabelNameTemplate.isValid(String(repeating: "a", count: 10_000) + "-"))
        }
        // Backtracking takes minutes on this; the bound leaves room for a loaded machine.
        #expect(elapsed < .seconds(10))
    }
}
