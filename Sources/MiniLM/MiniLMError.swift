import Foundation

/// Errors thrown while loading or running the MiniLM model.
///
/// Every case names the file or tensor involved, because the usual cause is an incomplete or
/// mismatched model directory and the operator needs to know which file to fix.
public enum MiniLMError: Error, Equatable, CustomStringConvertible {
    case missingFile(URL)
    case unreadableFile(URL, reason: String)
    case invalidSafeTensors(String)
    case missingTensor(String)
    case unsupportedDType(tensor: String, dtype: String)
    case badTensorShape(tensor: String, expected: [Int], actual: [Int])
    case invalidConfiguration(String)
    case invalidTokenizer(String)
    case blasVerificationFailed(kernel: String, maxError: Float)
    case blasMissing
    case invalidTokenID(Int32, vocabularySize: Int)

    public var description: String {
        switch self {
        case .blasMissing:
            return "MiniLM: OpenBLAS (libopenblas.so.0) is not installed: apt-get install libopenblas0"
        case .missingFile(let url):
            return "MiniLM: missing model file \(url.path)"
        case .unreadableFile(let url, let reason):
            return "MiniLM: cannot read \(url.path): \(reason)"
        case .invalidSafeTensors(let reason):
            return "MiniLM: invalid safetensors file: \(reason)"
        case .missingTensor(let name):
            return "MiniLM: tensor \(name) not found in model.safetensors"
        case .unsupportedDType(let tensor, let dtype):
            return "MiniLM: tensor \(tensor) has dtype \(dtype); only F32 is supported"
        case .badTensorShape(let tensor, let expected, let actual):
            return "MiniLM: tensor \(tensor) has shape \(actual), expected \(expected)"
        case .invalidConfiguration(let reason):
            return "MiniLM: unsupported config.json: \(reason)"
        case .invalidTokenizer(let reason):
            return "MiniLM: unsupported tokenizer.json: \(reason)"
        case .blasVerificationFailed(let kernel, let maxError):
            return "MiniLM: BLAS kernel \(kernel) failed the sgemm self-check (max error \(maxError))"
        case .invalidTokenID(let id, let vocabularySize):
            return "MiniLM: token id \(id) is outside the vocabulary of \(vocabularySize) tokens"
        }
    }
}

/// Reads a whole file, turning Foundation's generic errors into `MiniLMError`s that name the file.
func readModelFile(_ url: URL, mapped: Bool = false) throws -> Data {
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw MiniLMError.missingFile(url)
    }
    do {
        return try Data(contentsOf: url, options: mapped ? [.alwaysMapped] : [])
    } catch {
        throw MiniLMError.unreadableFile(url, reason: String(describing: error))
    }
}
