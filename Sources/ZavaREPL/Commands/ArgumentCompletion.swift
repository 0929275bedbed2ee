/// What Tab offers as a command's argument.
enum ArgumentCompletion: Sendable {
    case nothing
    case profiles
    case tables
    case formats
    case onOff
    case savedQueries
    /// zava's own `:` command names (`:help`'s topics).
    case commandNames
    case files
}
