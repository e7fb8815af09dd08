import OspreyRules
import Testing

@Suite struct TemplatePrintfTests {
    @Test(arguments: [
        (#"printf "%.2f" $value"#, "1234.57"),
        (#"printf "%5.1f|" 3.14159"#, "  3.1|"),
        (#"printf "%-8s|" "ab""#, "ab      |"),
        (#"printf "%8s|" "ab""#, "      ab|"),
        (#"printf "%03d" 7"#, "007"),
        (#"printf "%+d %d" 5 -5"#, "+5 -5"),
        (#"printf "%d" 1.5"#, "%!d(float64=1.5)"),
        (#"printf "%s" 3"#, "%!s(int=3)"),
        (#"printf "%f" 1"#, "%!f(int=1)"),
        (#"printf "%v %v %v" 1 1.5 "x""#, "1 1.5 x"),
        (#"printf "%q" "say \"hi\"""#, #""say \"hi\"""#),
        (#"printf "%e" 1234.5678"#, "1.234568e+03"),
        (#"printf "%g" 0.000012"#, "1.2e-05"),
        (#"printf "%.3g" 1234.5678"#, "1.23e+03"),
        (#"printf "%x %X %x" 255 255 "hi""#, "ff FF 6869"),
        (#"printf "100%%""#, "100%"),
        (#"printf "%d %d" 1"#, "1 %!d(MISSING)"),
        (#"printf "%d" 1 2"#, "1%!(EXTRA int=2)"),
        (#"printf "%t" true"#, "true"),
        (#"printf "%v" $labels"#, "map[instance:web-1:9100 job:node]"),
        (#"printf "%.1f" 2.25"#, "2.2"),
        (#"printf "%06.2f" -1.5"#, "-01.50"),
        // Widths and precisions from operands, and Go's refusals of ones too large or negative.
        (#"printf "%*d|%*d|" 3 7 -3 7"#, "  7|7  |"),
        (#"printf "%.*f" 2 3.14159"#, "3.14"),
        (#"printf "%*d" 10000000 1"#, "%!(BADWIDTH)1"),
        (#"printf "%.*s|%.*d" -1 "abc" 1 7"#, "%!(BADPREC)abc|7"),
        (#"printf "%999999999d" 1"#, "%!(NOVERB)%!(EXTRA int=1)"),
        (#"printf "%99999999999999999999d" 1"#, "%!(NOVERB)%!(EXTRA int=1)"),
        (#"printf "%.99999999999999999999f" 1.5"#, "%!(NOVERB)%!(EXTRA float64=1.5)"),
    ])
    func printfFollowsGoFmt(call: String, expected: String) throws {
        #expect(try renderTemplate("{{ \(call) }}", value: 1234.5678) == expected)
    }

    @Test func printfOfInfinityAndNaN() throws {
        #expect(try renderTemplate(#"{{ printf "%.2f|%5.1f|%v" $value $value 0.5 }}"#, value: .infinity) == "+Inf| +Inf|0.5")
        #expect(try renderTemplate(#"{{ printf "%.2f" $value }}"#, value: -.infinity) == "-Inf")
        #expect(try renderTemplate(#"{{ printf "%.1f" $value }}"#, value: .nan) == "NaN")
    }
}
