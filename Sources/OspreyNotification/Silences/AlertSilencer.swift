import Foundation
import OspreyModel

/// Tells whether an active silence mutes an alert; the dispatcher asks before each notification.
public protocol AlertSilencer: Sendable {
    func isSilenced(_ labels: Labels, at time: Date) -> Bool
}
