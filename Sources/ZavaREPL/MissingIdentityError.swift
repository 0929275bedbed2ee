import ZavaCore

/// Fail closed: without an identity nothing runs (never head office by default). The advice
/// names the way to choose one where the user is: `:as` at the REPL, `--as` on the command line.
public struct MissingIdentityError: Error, CustomStringConvertible {
    public var interactive = false

    public init(interactive: Bool = false) { self.interactive = interactive }

    public var description: String {
        interactive
            ? "no identity: choose one with :as (headoffice, seattle, bellevue, ...; :profiles lists them)"
            : "no identity: choose one with --as (headoffice, seattle, bellevue, ...) or set ZAVA_PROFILE"
    }
}
