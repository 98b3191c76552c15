import Foundation

/// Number formatting for the text report.
enum Format {
    /// Milliseconds with about three significant digits.
    static func ms(_ value: Double) -> String {
        value < 1 ? String(format: "%.3f", value) : value < 10 ? String(format: "%.2f", value) : value < 100 ? String(format: "%.1f", value) : String(format: "%.0f", value)
    }

    /// A figure in its unit: thousands separated, two decimals below 10.
    static func value(_ value: Double) -> String {
        if value.magnitude >= 1000 {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 0
            return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
        }
        return value.magnitude < 10 ? String(format: "%.2f", value) : String(format: "%.1f", value)
    }

    /// A count, thousands separated.
    static func count(_ value: Int) -> String {
        value >= 1000 ? Format.value(Double(value)) : String(value)
    }

    /// A rate like 50 or 12.5.
    static func rate(_ value: Double) -> String {
        value.rounded() == value ? count(Int(value)) : String(value)
    }

    static func ratio(_ value: Double) -> String {
        value < 0.1 ? String(format: "%.3f×", value) : String(format: "%.2f×", value)
    }
}
