import OspreyGoCompat
import OspreyRules
import Testing

@Suite struct TemplateLanguageTests {
    @Test func documentedInstanceDownAnnotation() throws {
        let text = "{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes."
        #expect(try renderTemplate(text) == "web-1:9100 of job node has been down for more than 5 minutes.")
    }

    @Test func dataFieldsAndVariablesAgree() throws {
        let text =
            "{{ .Labels.job }}|{{ $labels.job }}|{{ .ExternalLabels.cluster }}|{{ $externalLabels.cluster }}|"
            + "{{ .ExternalURL }}|{{ $externalURL }}|{{ .Value }}|{{ $value }}"
        #expect(
            try renderTemplate(text, value: 0.5)
                == "node|node|eu-1|eu-1|https://osprey.example.com/prom|https://osprey.example.com/prom|0.5|0.5")
    }

    @Test func missingLabelPrintsNothing() throws {
        #expect(try renderTemplate("[{{ $labels.nope }}][{{ .Labels.nope }}][{{ index $labels \"nope\" }}]") == "[][][]")
    }

    @Test(arguments: [
        (0.5, "0.5"), (100, "100"), (1e6, "1e+06"), (123456, "123456"), (1_234_567, "1.234567e+06"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5, "-2.5"), (Double.infinity, "+Inf"), (Double.nan, "NaN"),
    ])
    func valuePrintsAsGoDoes(value: Double, expected: String) throws {
        #expect(try renderTemplate("{{ $value }}", value: value) == expected)
    }

    @Test func trimMarkersEatSurroundingWhiteSpace() throws {
        #expect(try renderTemplate("a  \n {{- \"b\" -}} \n  c") == "abc")
        #expect(try renderTemplate("a {{ \"b\" -}}  c") == "a bc")
        #expect(try renderTemplate("a  {{- \"b\" }} c") == "ab c")
        #expect(try renderTemplate("x {{- /* a comment */ -}} y") == "xy")
        #expect(try renderTemplate("{{-3}}") == "-3")
    }

    @Test func commentsPrintNothing() throws {
        #expect(try renderTemplate("a{{/* note */}}b") == "ab")
    }

    @Test func ifElseChains() throws {
        let text = "{{ if gt $value 90.0 }}critical{{ else if gt $value 50.0 }}warning{{ else }}ok{{ end }}"
        #expect(try renderTemplate(text, value: 95) == "critical")
        #expect(try renderTemplate(text, value: 60) == "warning")
        #expect(try renderTemplate(text, value: 10) == "ok")
    }

    @Test func truthFollowsGo() throws {
        let text = "{{ if . }}T{{ else }}F{{ end }}"
        for (argument, expected) in [
            ("0", "F"), ("1", "T"), ("0.0", "F"), ("\"\"", "F"), ("\"x\"", "T"),
            ("false", "F"), ("true", "T"), ("$labels.nope", "F"), ("(index (args) \"x\")", "F"),
        ] {
            #expect(try renderTemplate("{{ with \(argument) }}T{{ else }}F{{ end }}") == expected, "\(argument)")
        }
        #expect(try renderTemplate(text) == "T")
    }

    @Test func withSetsDot() throws {
        #expect(try renderTemplate("{{ with $labels.job }}job={{ . }}{{ end }}") == "job=node")
        #expect(try renderTemplate("{{ with $labels.nope }}x{{ else }}none{{ end }}") == "none")
    }

    @Test func variablesDeclareAssignAndScope() throws {
        #expect(try renderTemplate("{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}") == "12")
        #expect(try renderTemplate("{{ $x := \"out\" }}{{ if true }}{{ $x := \"in\" }}{{ $x }}{{ end }}{{ $x }}") == "inout")
        #expect(try renderTemplate("{{ $x := \"a\" }}{{ if true }}{{ $x = \"b\" }}{{ end }}{{ $x }}") == "b")
        #expect(try renderTemplate("{{ $.Labels.job }}") == "node")
    }

    @Test func rangeOverMapIsInKeyOrder() throws {
        let labels = ["b": "2", "a": "1", "c": "3"]
        #expect(try renderTemplate("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", labels: labels) == "a=1;b=2;c=3;")
        #expect(try renderTemplate("{{ range $labels }}{{ . }}{{ end }}", labels: labels) == "123")
        #expect(try renderTemplate("{{ range $v := $labels }}{{ $v }}{{ end }}", labels: labels) == "123")
        #expect(try renderTemplate("{{ range $labels }}x{{ else }}empty{{ end }}", labels: [:]) == "empty")
    }

    @Test func rangeBreakAndContinue() throws {
        let text = "{{ range $i, $e := 5 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}"
        #expect(try renderTemplate("{{ range $i := 3 }}{{ $i }}{{ end }}") == "012")
        #expect(templateError(text) != nil)
        let loop = "{{ range $e := 5 }}{{ if eq $e 1 }}{{ continue }}{{ end }}{{ if eq $e 3 }}{{ break }}{{ end }}{{ $e }}{{ end }}"
        #expect(try renderTemplate(loop) == "02")
    }

    @Test func pipelinesPassTheResultLast() throws {
        #expect(try renderTemplate("{{ \"web\" | printf \"%s-%d\" | printf \"<%s>\" }}") == "<web-%!d(MISSING)>")
        #expect(try renderTemplate("{{ 3 | printf \"%s-%d\" \"web\" }}") == "web-3")
        #expect(try renderTemplate("{{ $labels.job | toUpper | printf \"%s!\" }}") == "NODE!")
        #expect(try renderTemplate("{{ (printf \"%s-%s\" $labels.job \"x\") | toUpper }}") == "NODE-X")
        #expect(try renderTemplate("{{ len (print \"abc\" \"de\") }}") == "5")
    }

    @Test func literals() throws {
        #expect(
            try renderTemplate(#"{{ "tab\there" }}|{{ `raw\n` }}|{{ 0x1F }}|{{ 1e3 }}|{{ 1.5 }}|{{ 'a' }}|{{ true }}"#)
                == "tab\there|raw\\n|31|1000|1.5|97|true")
        #expect(try renderTemplate("{{ print nil }}") == "<nil>")
    }

    @Test func comparisonsFollowGo() throws {
        #expect(
            try renderTemplate("{{ eq $labels.job \"node\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2.5 }}")
                == "true true true true true false")
        #expect(try renderTemplate("{{ eq 2 1 2 3 }} {{ eq \"x\" \"a\" \"b\" }}") == "true false")
        let error = templateError("{{ gt $value 1 }}")
        #expect(error?.message == "error calling gt: incompatible types for comparison")
    }

    @Test func andOrNotReturnDecidingValue() throws {
        #expect(try renderTemplate("{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 \"\" \"x\" }}|{{ or 0 \"\" }}|{{ not 0 }}") == "0|2|x||true")
        // `and` stops before evaluating what would fail.
        #expect(try renderTemplate("{{ and false (index $labels 5) }}") == "false")
    }

    @Test func builtinFunctions() throws {
        #expect(try renderTemplate("{{ len $labels }} {{ index $labels \"job\" }} {{ slice \"abcdef\" 1 3 }}") == "2 node bc")
        #expect(try renderTemplate("{{ print 1 2 \"a\" \"b\" 3 }}") == "1 2ab3")
        #expect(try renderTemplate("{{ println 1 \"a\" }}") == "1 a\n")
        #expect(try renderTemplate(#"{{ html "<a href='x'>&</a>" }}"#) == "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;")
        #expect(try renderTemplate(#"{{ js "it's <b>" }}"#) == #"it\'s \u003Cb\u003E"#)
        #expect(try renderTemplate(#"{{ urlquery "a b&c=d/é" }}"#) == "a+b%26c%3Dd%2F%C3%A9")
    }

    @Test func printsMapsAsGoDoes() throws {
        #expect(try renderTemplate("{{ $labels }}", labels: ["b": "2", "a": "1"]) == "map[a:1 b:2]")
        #expect(try renderTemplate("{{ args 1 \"x\" }}") == "map[arg0:1 arg1:x]")
        #expect(try renderTemplate("{{ (args 1).arg0 }}|{{ (args 1).arg5 }}") == "1|<no value>")
    }

    @Test func defineTemplateAndBlock() throws {
        let text = #"{{ define "who" }}[{{ .job }}]{{ end }}{{ template "who" $labels }}{{ block "tail" $value }}({{ . }}){{ end }}"#
        #expect(try renderTemplate(text, value: 2) == "[node](2)")
    }

    @Test func elseWithChains() throws {
        let text = "{{ with $labels.team }}team {{ . }}{{ else with $labels.job }}job {{ . }}{{ else }}nobody{{ end }}"
        #expect(try renderTemplate(text, labels: ["team": "db", "job": "node"]) == "team db")
        #expect(try renderTemplate(text, labels: ["job": "node"]) == "job node")
        #expect(try renderTemplate(text, labels: [:]) == "nobody")
    }

    @Test func multiLineTemplatesKeepTheirLayout() throws {
        let text = """
            Instances down:
            {{ range $name, $value := $labels -}}
            - {{ $name }}: {{ $value }}
            {{ end -}}
            done
            """
        #expect(try renderTemplate(text, labels: ["a": "1", "b": "2"]) == "Instances down:\n- a: 1\n- b: 2\ndone")
    }

    @Test func textWithoutActionsIsUnchanged() throws {
        let text = "Disk is full on\nthe node; 100% }} {"
        #expect(try renderTemplate(text) == text)
        #expect(!AlertTemplate.needsExpansion(text))
    }
}
