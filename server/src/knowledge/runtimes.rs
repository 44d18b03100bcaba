//! What each Lambda runtime ships besides the handler's package (AWS-BEHAVIOUR, "The function
//! cannot start"): Node.js 18 and later the AWS SDK for JavaScript v3 (`@aws-sdk/*`) only, Node.js
//! 16 and older the v2 SDK (`aws-sdk`); Python the standard library, `boto3`, `botocore` and their
//! dependencies. And which distribution names may provide a Python module, for reading manifests.

/// Whether a runtime provides a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shipped {
    Yes,
    No,
    /// gatelint does not know: never a finding.
    Unknown,
}

/// The major version of a `nodejs*` runtime: `nodejs20.x` → 20.
pub fn node_major(runtime: &str) -> Option<u32> {
    let version = runtime.strip_prefix("nodejs")?;
    let major = version.split('.').next()?;
    major.parse().ok()
}

/// The package a bare specifier names (`@aws-sdk/client-s3/dist` → `@aws-sdk/client-s3`,
/// `aws-sdk/clients/s3` → `aws-sdk`); `None` for relative and absolute paths, `node:` builtins
/// and URLs.
pub fn node_package(specifier: &str) -> Option<&str> {
    if specifier.starts_with(['.', '/'])
        || specifier.contains(':')
        || specifier.is_empty()
        || specifier.starts_with('#')
    {
        return None;
    }
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next()?;
    if first.starts_with('@') {
        let second = parts.next()?;
        Some(&specifier[..first.len() + 1 + second.len()])
    } else {
        Some(first)
    }
}

/// Node.js's built-in modules (loadable without `node:`).
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// Packages the Node.js 18+ runtimes' own `node_modules` holds besides `@aws-sdk/*` (the SDK's
/// dependencies), or may: importing them resolves, or gatelint cannot tell.
const NODE_RUNTIME_UNCERTAIN: &[&str] = &[
    "tslib",
    "uuid",
    "fast-xml-parser",
    "strnum",
    "bowser",
    "mnemonist",
    "obliterator",
];

/// Scopes of packages the Node.js 18+ runtimes ship (the v3 SDK and what it is built from).
const NODE_RUNTIME_SCOPES: &[&str] = &["@aws-sdk/", "@smithy/", "@aws-crypto/"];

/// Scopes some Node.js runtimes ship a package of: `@aws/durable-execution-sdk-js` is in
/// nodejs22.x and later (Lambda durable functions documentation).
const NODE_RUNTIME_UNCERTAIN_SCOPES: &[&str] = &["@aws/"];

/// Packages the v2 SDK (in Node.js 16 and older) depends on, which may resolve there.
const NODE_V2_DEPENDENCIES: &[&str] = &[
    "buffer",
    "events",
    "ieee754",
    "jmespath",
    "querystring",
    "sax",
    "url",
    "uuid",
    "xml2js",
    "xmlbuilder",
    "punycode",
    "base64-js",
    "isarray",
];

/// Whether the Node.js runtime `major` provides the package (a name from [`node_package`]).
pub fn node_ships(major: u32, package: &str) -> Shipped {
    if NODE_BUILTINS.contains(&package) {
        return Shipped::Yes;
    }
    if package.starts_with("@types/") {
        // Type packages are read by the TypeScript compiler, never loaded at run time.
        return Shipped::Unknown;
    }
    if major >= 18 {
        if NODE_RUNTIME_SCOPES
            .iter()
            .any(|scope| package.starts_with(scope))
        {
            return Shipped::Yes;
        }
        if NODE_RUNTIME_UNCERTAIN.contains(&package)
            || NODE_RUNTIME_UNCERTAIN_SCOPES
                .iter()
                .any(|scope| package.starts_with(scope))
        {
            return Shipped::Unknown;
        }
        Shipped::No
    } else {
        if package == "aws-sdk" {
            return Shipped::Yes;
        }
        if NODE_V2_DEPENDENCIES.contains(&package) || package.starts_with('@') {
            return Shipped::Unknown;
        }
        Shipped::No
    }
}

/// The standard library's top-level modules, in any Python 3 version Lambda runs (a module
/// later versions removed counts too: gatelint does not report removals).
const PYTHON_STDLIB: &[&str] = &[
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "binhex",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "formatter",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "macpath",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "parser",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symbol",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// The AWS SDK for Python and its dependencies, which every Python runtime ships.
const PYTHON_RUNTIME: &[&str] = &[
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "urllib3",
    "six",
    "awslambdaric",
];

/// Modules whose presence in a runtime gatelint cannot vouch for either way (installer tools,
/// the runtime's own modules, namespace packages many distributions share, the durable
/// execution SDK python3.13 and later include).
const PYTHON_UNCERTAIN: &[&str] = &[
    "aws_durable_execution_sdk_python",
    "simplejson",
    "setuptools",
    "pkg_resources",
    "pip",
    "typing_extensions",
    "google",
    "bootstrap",
    "runtime_client",
    "lambda_runtime_client",
    "lambda_runtime_marshaller",
    "lambda_runtime_exception",
    "rapid_client",
];

/// Whether every Python runtime provides the top-level module `module`.
pub fn python_ships(module: &str) -> Shipped {
    if module.starts_with('_') || PYTHON_UNCERTAIN.contains(&module) {
        Shipped::Unknown
    } else if PYTHON_STDLIB.contains(&module) || PYTHON_RUNTIME.contains(&module) {
        Shipped::Yes
    } else {
        Shipped::No
    }
}

/// Modules whose distribution is named otherwise (PyPI name, normalised).
const PYTHON_DISTRIBUTIONS: &[(&str, &[&str])] = &[
    ("yaml", &["pyyaml"]),
    ("bs4", &["beautifulsoup4", "bs4"]),
    ("PIL", &["pillow", "pil"]),
    (
        "cv2",
        &[
            "opencv-python",
            "opencv-python-headless",
            "opencv-contrib-python",
            "opencv-contrib-python-headless",
        ],
    ),
    ("sklearn", &["scikit-learn", "sklearn"]),
    ("skimage", &["scikit-image"]),
    ("jwt", &["pyjwt"]),
    ("jose", &["python-jose"]),
    ("dotenv", &["python-dotenv"]),
    ("Crypto", &["pycryptodome", "pycrypto"]),
    ("Cryptodome", &["pycryptodomex"]),
    ("OpenSSL", &["pyopenssl"]),
    ("attr", &["attrs"]),
    ("magic", &["python-magic"]),
    ("docx", &["python-docx"]),
    ("pptx", &["python-pptx"]),
    ("git", &["gitpython"]),
    ("serial", &["pyserial"]),
    ("psycopg2", &["psycopg2", "psycopg2-binary"]),
    ("psycopg", &["psycopg", "psycopg-binary"]),
    ("MySQLdb", &["mysqlclient"]),
    ("pymysql", &["pymysql"]),
    ("aws_lambda_powertools", &["aws-lambda-powertools"]),
    ("aws_xray_sdk", &["aws-xray-sdk"]),
    ("opensearchpy", &["opensearch-py"]),
    ("requests_aws4auth", &["requests-aws4auth"]),
    ("dns", &["dnspython"]),
    ("multipart", &["python-multipart"]),
    ("slugify", &["python-slugify"]),
    ("fitz", &["pymupdf"]),
    ("Levenshtein", &["python-levenshtein", "levenshtein"]),
    ("lxml", &["lxml"]),
    ("nacl", &["pynacl"]),
    ("websocket", &["websocket-client"]),
    ("zmq", &["pyzmq"]),
    ("gi", &["pygobject"]),
    ("mypy_boto3_s3", &["mypy-boto3-s3", "boto3-stubs"]),
    ("aws_cdk", &["aws-cdk-lib"]),
    ("constructs", &["constructs"]),
    ("langchain_aws", &["langchain-aws"]),
];

/// The distribution names (normalised as PEP 503 does) that may provide a top-level module.
pub fn python_distributions(module: &str) -> Vec<String> {
    let mut names: Vec<String> = PYTHON_DISTRIBUTIONS
        .iter()
        .filter(|(name, _)| *name == module)
        .flat_map(|(_, distributions)| distributions.iter().map(|name| (*name).to_owned()))
        .collect();
    names.push(normalize_distribution(module));
    names
}

/// A distribution name as PEP 503 compares it: lower case, runs of `-`, `_`, `.` as one `-`.
pub fn normalize_distribution(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Distributions whose installation is fully known: the top-level modules each brings (its
/// own and its dependencies'). A requirements file listing only these installs nothing else,
/// so an import of another module is missing; with any other distribution listed, what its
/// dependencies bring is unknown.
const PYTHON_CLOSURES: &[(&str, &[&str])] = &[
    (
        "boto3",
        &[
            "boto3",
            "botocore",
            "s3transfer",
            "jmespath",
            "dateutil",
            "urllib3",
            "six",
        ],
    ),
    (
        "botocore",
        &["botocore", "jmespath", "dateutil", "urllib3", "six"],
    ),
    ("s3transfer", &["s3transfer", "botocore"]),
    ("jmespath", &["jmespath"]),
    ("python-dateutil", &["dateutil", "six"]),
    ("urllib3", &["urllib3"]),
    ("six", &["six"]),
    (
        "requests",
        &[
            "requests",
            "urllib3",
            "idna",
            "charset_normalizer",
            "chardet",
            "certifi",
        ],
    ),
    ("certifi", &["certifi"]),
    ("idna", &["idna"]),
    ("charset-normalizer", &["charset_normalizer"]),
    ("chardet", &["chardet"]),
    ("pyyaml", &["yaml"]),
    ("pytz", &["pytz"]),
    ("simplejson", &["simplejson"]),
];

/// The modules a list of declared distributions installs, or `None` when one of them is not
/// fully known (its dependencies may bring any module).
pub fn python_installed(distributions: &[String]) -> Option<Vec<&'static str>> {
    let mut modules = Vec::new();
    for distribution in distributions {
        let (_, brings) = PYTHON_CLOSURES
            .iter()
            .find(|(name, _)| *name == distribution.as_str())?;
        modules.extend_from_slice(brings);
    }
    Some(modules)
}

/// The v3 package that replaces a v2 `aws-sdk` import: `aws-sdk/clients/dynamodb` →
/// `@aws-sdk/client-dynamodb`; `None` for the whole SDK (the client depends on the service).
pub fn v3_client(specifier: &str) -> Option<String> {
    let client = specifier.strip_prefix("aws-sdk/clients/")?;
    let client = client.trim_end_matches(".js");
    (!client.is_empty() && client.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("@aws-sdk/client-{}", client.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_and_runtimes() {
        assert_eq!(node_package("aws-sdk/clients/s3"), Some("aws-sdk"));
        assert_eq!(
            node_package("@aws-sdk/client-s3"),
            Some("@aws-sdk/client-s3")
        );
        assert_eq!(
            node_package("@aws-sdk/lib-dynamodb/dist"),
            Some("@aws-sdk/lib-dynamodb")
        );
        assert_eq!(node_package("./util"), None);
        assert_eq!(node_package("node:fs"), None);
        assert_eq!(node_major("nodejs20.x"), Some(20));
        assert_eq!(node_major("nodejs"), None);
        assert_eq!(node_ships(20, "aws-sdk"), Shipped::No);
        assert_eq!(node_ships(16, "aws-sdk"), Shipped::Yes);
        assert_eq!(node_ships(18, "@aws-sdk/client-s3"), Shipped::Yes);
        assert_eq!(node_ships(22, "fs"), Shipped::Yes);
        assert_eq!(node_ships(22, "axios"), Shipped::No);
        assert_eq!(python_ships("json"), Shipped::Yes);
        assert_eq!(python_ships("boto3"), Shipped::Yes);
        assert_eq!(python_ships("requests"), Shipped::No);
        assert_eq!(python_ships("google"), Shipped::Unknown);
        assert_eq!(
            v3_client("aws-sdk/clients/dynamodb").as_deref(),
            Some("@aws-sdk/client-dynamodb")
        );
    }

    #[test]
    fn distributions() {
        assert_eq!(normalize_distribution("Python_Dateutil"), "python-dateutil");
        assert!(python_distributions("yaml").contains(&"pyyaml".to_owned()));
        assert!(python_distributions("requests").contains(&"requests".to_owned()));
        assert_eq!(
            python_installed(&["requests".into()]).map(|modules| modules.contains(&"certifi")),
            Some(true)
        );
        assert_eq!(python_installed(&["fastapi".into()]), None);
    }
}
