import Foundation
import Testing

/// Every relative link in the documentation resolves: README.md, docs/*.md, Results/*.md and Benchmarks/README.md.
/// A link `[text](target)` or image `![alt](target)` whose target is not a URL must name a file or directory that
/// exists relative to the linking file, and a `#anchor` must match a heading of the target file (or of the linking
/// file itself) by GitHub's rule: lowercase, punctuation removed, spaces to hyphens, duplicates numbered.
@Suite struct DocumentationLinkTests {
    /// The repository root: three levels above this file (Tests/KafkaBenchTests/DocumentationLinkTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The Markdown files whose links are checked, relative to the root.
    static func documents() -> [String] {
        var files = ["README.md", "Benchmarks/README.md"]
        for dir in ["docs", "Results"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? []
            files += names.filter { $0.hasSuffix(".md") }.sorted().map { dir + "/" + $0 }
        }
        return files.filter { FileManager.default.fileExists(atPath: root + "/" + $0) }
    }

    @Test func everyRelativeLinkInTheDocumentationResolves() throws {
        let documents = Self.documents()
        #expect(documents.contains("README.md"))
        #expect(documents.contains { $0.hasPrefix("docs/") }, "no docs/*.md found under \(Self.root)")
        var broken: [String] = []
        var checked = 0
        for document in documents {
            let text = try String(contentsOfFile: Self.root + "/" + document, encoding: .utf8)
            for link in MarkdownLinks.links(in: text) {
                checked += 1
                if let problem = MarkdownLinks.problem(with: link.target, in: document, root: Self.root) {
                    broken.append("\(document):\(link.line): (\(link.target)) \(problem)")
                }
            }
        }
        #expect(checked > 0, "no relative links found: is the scanner broken?")
        #expect(broken.isEmpty, "\(broken.count) broken link(s):\n\(broken.joined(separator: "\n"))")
    }

    /// The checker itself: it finds links outside code, skips URLs, and reports missing files and anchors.
    @Test func theCheckerFindsBrokenLinksAndSkipsCodeAndURLs() throws {
        let text = """
            # Title
            ## Sweep CSV columns, schema 2
            See [ok](#sweep-csv-columns-schema-2), [gone](#nothing-here) and ![img](missing.png).
            [web](https://example.com/x.md) [mail](mailto:a@b.c) `[code](nowhere.md)`

            ```sh
            echo "[fenced](nowhere.md)"
            ```
            [titled](#title "a title")
            """
        let links = MarkdownLinks.links(in: text)
        #expect(links.map(\.target) == ["#sweep-csv-columns-schema-2", "#nothing-here", "missing.png", "#title"])
        #expect(links.map(\.line) == [3, 3, 3, 9])
        let dir = NSTemporaryDirectory() + "kbench-doclinks-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: dir + "/doc.md", atomically: true, encoding: .utf8)
        let problems = links.map { MarkdownLinks.problem(with: $0.target, in: "doc.md", root: dir) }
        #expect(problems[0] == nil)
        #expect(problems[1]?.contains("no heading") == true)
        #expect(problems[2]?.contains("does not exist") == true)
        #expect(problems[3] == nil)
    }

    @Test func headingsGetGitHubAnchors() {
        let text = """
            # kbench
            ## Known client defects, 2.0.2 against 2.16.0
            ## The plain way: start `kbench agent` on each host
            ## Which protocol and assignor?
            ### Sweep CSV columns
            ### Sweep CSV columns
            ## Published run: 5,000 events/s on 10 partitions
            ```
            # not a heading
            ```
            """
        #expect(
            MarkdownLinks.anchors(in: text) == [
                "kbench", "known-client-defects-202-against-2160", "the-plain-way-start-kbench-agent-on-each-host",
                "which-protocol-and-assignor", "sweep-csv-columns", "sweep-csv-columns-1", "published-run-5000-eventss-on-10-partitions",
            ])
    }
}

/// Markdown links and headings, as GitHub renders them (enough of CommonMark for this repository's documents).
private enum MarkdownLinks {
    struct Link: Equatable {
        var target: String
        var line: Int
    }

    /// Lines outside fenced code blocks, with their 1-based numbers.
    static func proseLines(_ text: String) -> [(number: Int, text: String)] {
        var out: [(Int, String)] = []
        var fence: String?
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                continue
            }
            out.append((i + 1, line))
        }
        return out
    }

    /// A line without its inline code spans (`…`).
    static func withoutCodeSpans(_ line: String) -> String {
        var out = ""
        var inCode = false
        for c in line {
            if c == "`" {
                inCode.toggle()
            } else if !inCode {
                out.append(c)
            }
        }
        return out
    }

    /// The relative targets of `[text](target)` and `![alt](target)` outside code; URLs and mail links are skipped.
    static func links(in text: String) -> [Link] {
        let pattern = try! NSRegularExpression(pattern: #"\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)"#)
        var out: [Link] = []
        for (number, raw) in proseLines(text) {
            let line = withoutCodeSpans(raw)
            let ns = line as NSString
            for match in pattern.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                let target = ns.substring(with: match.range(at: 1))
                let lower = target.lowercased()
                if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") { continue }
                out.append(Link(target: target, line: number))
            }
        }
        return out
    }

    /// GitHub's anchor for a heading's text: lowercase; letters, digits, spaces, hyphens and underscores kept (code
    /// spans' backticks, punctuation and symbols dropped); spaces become hyphens.
    static func slug(_ heading: String) -> String {
        var out = ""
        for scalar in heading.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" {
                out.unicodeScalars.append(scalar)
            } else if scalar == " " {
                out.append("-")
            }
        }
        return out
    }

    /// The anchors of a document's ATX headings (`#` to `######`), in order, duplicates numbered `-1`, `-2`, …
    static func anchors(in text: String) -> [String] {
        var seen: [String: Int] = [:]
        var out: [String] = []
        for (_, line) in proseLines(text) {
            let hashes = line.prefix { $0 == "#" }.count
            guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { continue }
            var title = line.dropFirst(hashes).trimmingCharacters(in: .whitespaces)
            while title.hasSuffix("#") { title = String(title.dropLast()).trimmingCharacters(in: .whitespaces) }
            let base = slug(title)
            let n = seen[base, default: 0]
            seen[base] = n + 1
            out.append(n == 0 ? base : "\(base)-\(n)")
        }
        return out
    }

    /// Why `target`, linked from `document` (relative to `root`), does not resolve; nil when it does.
    static func problem(with target: String, in document: String, root: String) -> String? {
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let pathPart = (String(parts[0]).removingPercentEncoding ?? String(parts[0]))
        let anchor = parts.count > 1 ? String(parts[1]) : nil
        let base = (document as NSString).deletingLastPathComponent
        let relative = pathPart.isEmpty ? document : (base.isEmpty ? pathPart : base + "/" + pathPart)
        let full = ((root + "/" + relative) as NSString).standardizingPath
        if !full.hasPrefix(root) { return "points outside the repository" }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
            return "\(relative) does not exist"
        }
        guard let anchor, !anchor.isEmpty else { return nil }
        guard !isDirectory.boolValue, full.hasSuffix(".md") else { return nil }
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else { return "\(relative) cannot be read" }
        let anchors = anchors(in: text)
        if anchors.contains(anchor.lowercased()) { return nil }
        return "no heading in \(relative) has the anchor #\(anchor) (its anchors: \(anchors.joined(separator: ", ")))"
    }
}
