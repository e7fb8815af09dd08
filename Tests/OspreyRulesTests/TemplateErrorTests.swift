import OspreyGoCompat
import OspreyRules
import Testing

@Suite struct TemplateErrorTests {
    private func parseError(_ text: String) -> TemplateError? {
        do {
            _ = try AlertTemplate(text, name: "__alert_Test")
            return nil
        } catch {
            return error
        }
    }

    @Test func unclosedAction() {
        let error = parseError("Disk full on {{ $labels.instance")
        #expect(error?.description == "template: __alert_Test:1:14: unclosed action")
    }

    @Test func unknownFunctionWithPosition() {
        let error = parseError("line one\n  value {{ foo 1 }}")
        #expect(error?.line == 2)
        #expect(error?.column == 12)
        #expect(error?.message == #"function "foo" not defined"#)
        #expect(error?.description == #"template: __alert_Test:2:12: function "foo" not defined"#)
    }

    @Test func columnsCountCharactersNotBytes() {
        let error = parseError("Température élevée {{ nope }}")
        #expect(error?.column == 23)
    }

    @Test func undefinedVariable() {
        #expect(parseError("{{ $x }}")?.message == #"undefined variable "$x""#)
        #expect(parseError("{{ $x = 1 }}")?.message == #"undefined variable "$x""#)
        // Declared inside `if`, gone after its `end`.
        #expect(parseError("{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}")?.message == #"undefined variable "$y""#)
    }

    @Test func unbalancedControlStructures() {
        #expect(parseError("{{ if true }}yes")?.message.hasPrefix("unexpected EOF") == true)
        #expect(parseError("yes{{ end }}")?.message == "unexpected {{end}}")
        #expect(parseError("{{ else }}")?.message == "unexpected {{else}}")
        #expect(parseError("{{ if }}x{{ end }}")?.message == "missing value for if")
        #expect(parseError("{{ break }}")?.message == "{{break}} outside {{range}}")
    }

    @Test func unexpectedTokens() {
        #expect(parseError("{{ \"unterminated }}")?.message == "unterminated quoted string")
        #expect(parseError("{{ (len \"x\" }}")?.message == "unclosed left paren")
        #expect(parseError("{{ len \"x\") }}")?.message == "unexpected right paren")
        #expect(parseError("{{ # }}")?.message == "unrecognized character in action: U+0023 '#'")
        #expect(parseError("{{ /* open")?.message == "unclosed comment")
        #expect(parseError("{{ $value | }}")?.message == "missing value for command")
        #expect(parseError("{{ $value | 3 }}")?.message == "non executable command in pipeline stage 2")
    }

    @Test func executionErrorsNameTheCommand() {
        let error = templateError("{{ $labels.job }}\n{{ index $value 1 }}")
        #expect(error?.line == 2)
        #expect(error?.column == 4)
        #expect(error?.command == "index $value 1")
        #expect(
            error?.description
                == #"template: __alert_Test:2:4: executing "__alert_Test" at <index $value 1>: error calling index: can't index item of type float64"#
        )
    }

    @Test func executionErrors() {
        #expect(templateError("{{ .Nope }}")?.message == "can't evaluate field Nope in type *template.tmplData")
        #expect(templateError("{{ $labels.job.x }}")?.message == "can't evaluate field x in type string")
        #expect(templateError("{{ humanize }}")?.message == "wrong number of args for humanize: want 1 got 0")
        #expect(templateError("{{ 1 | humanize 2 }}")?.message == "wrong number of args for humanize: want 1 got 2")
        #expect(templateError("{{ toUpper 1 }}")?.message == "wrong type for value; expected string; got int")
        #expect(templateError("{{ range 1.5 }}{{ end }}")?.message == "range can't iterate over 1.5")
        #expect(templateError("{{ nil }}")?.message == "nil is not a command")
        #expect(templateError("{{ \"x\" | $value }}")?.message == "can't give argument to non-function $value")
        #expect(templateError(#"{{ template "missing" }}"#)?.message == #"no such template "missing""#)
    }

    @Test func recursionIsBounded() {
        let error = templateError(#"{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}"#)
        #expect(error?.message.hasPrefix("exceeded maximum template depth") == true)
    }
}
