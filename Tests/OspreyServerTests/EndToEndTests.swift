import OspreyTestSupport
import Testing

/// The heaviest end-to-end suites (real binaries restarted and killed, a browser per page), run
/// one after another rather than beside each other, so that neither's timing suffers the
/// other's load on a two-core machine.
@Suite(.serialized, .loadsTheMachine) struct EndToEndTests {}
