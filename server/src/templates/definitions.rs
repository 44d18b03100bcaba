//! OpenAPI definitions an API reads from another file of the project: SAM's `DefinitionUri:
//! ./api.yaml`, and `DefinitionBody`/`Body` written as `Fn::Transform: {Name: AWS::Include,
//! Parameters: {Location: ./openapi.yaml}}` (SAM and `aws cloudformation package` upload a local
//! `Location` and CloudFormation inlines it). An S3 location stays unknown.
//!
//! The workspace reads the files ([`definition_references`] says which); [`attach`] parses each and
//! puts its value in the template where CloudFormation would (the API's `DefinitionBody`/`Body`),
//! so that the integration graph, and every rule reading it, sees the file's
//! `x-amazon-apigateway-integration`s as if they were written inline. The file's text is appended
//! to the template's in one *combined* text, and its value keeps ranges into that text: rules read
//! it as they read the template, and [`Included::locate`] maps a range back to the file.

use std::path::PathBuf;
use std::sync::Arc;

use super::model::Template;
use super::value::{self, Entry, Value, ValueKind};
use crate::files::FileKind;
use crate::text::TextRange;

/// A local file an API's OpenAPI definition comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct DefinitionReference {
    /// The API resource (index into [`Template::resources`]).
    pub resource: usize,
    /// The path as written, relative to the template's folder.
    pub location: String,
    /// Where the path is written in the template.
    pub range: TextRange,
    /// The property the definition stands for: `DefinitionBody` (SAM) or `Body`.
    pub property: &'static str,
    /// Whether CloudFormation resolves intrinsic functions in the file: yes through
    /// `AWS::Include`; not in a `DefinitionUri` file, which API Gateway imports as written.
    pub resolves_intrinsics: bool,
}

/// A definition file read by the workspace.
#[derive(Clone, Debug)]
pub struct DefinitionFile {
    pub reference: DefinitionReference,
    /// The file, as the workspace resolved it.
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// A definition file whose value is in the template: where its text is in the combined text.
#[derive(Clone, Debug, PartialEq)]
pub struct Included {
    pub path: PathBuf,
    /// Where the template names the file.
    pub reference: TextRange,
    /// The file's text in the combined text: from `start`, `len` bytes.
    pub start: usize,
    pub len: usize,
}

impl Included {
    /// The range in the file of a range of the combined text, when it lies in this file.
    pub fn locate(&self, range: TextRange) -> Option<TextRange> {
        (self.start <= range.start && range.end <= self.start + self.len)
            .then(|| TextRange::new(range.start - self.start, range.end - self.start))
    }
}

/// Whether a written location is a file of the project: not S3, not a URL, not empty.
fn is_local(location: &str) -> bool {
    !location.is_empty()
        && !location.contains("://")
        && !location.contains("${")
        && !location.starts_with('/')
}

/// The local files the template's APIs read their OpenAPI definitions from.
pub fn definition_references(template: &Template) -> Vec<DefinitionReference> {
    let mut found = Vec::new();
    for (index, resource) in template.resources.iter().enumerate() {
        let (uri, body) = match resource.type_name.as_str() {
            "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                (Some("DefinitionUri"), "DefinitionBody")
            }
            "AWS::ApiGateway::RestApi" | "AWS::ApiGatewayV2::Api" => (None, "Body"),
            _ => continue,
        };
        let written = uri
            .and_then(|uri| resource.property(uri))
            .and_then(|value| {
                // A string is a path; a map (`Bucket`/`Key`) is S3.
                let location = value.as_str()?;
                Some((location.to_owned(), value.range, false))
            });
        let written = written.or_else(|| {
            let (name, argument) = resource.property(body)?.intrinsic()?;
            if name != "Fn::Transform" || argument.get("Name")?.as_str()? != "AWS::Include" {
                return None;
            }
            let location = argument.path(&["Parameters", "Location"])?;
            Some((location.as_str()?.to_owned(), location.range, true))
        });
        if let Some((location, range, resolves_intrinsics)) =
            written.filter(|(location, _, _)| is_local(location))
        {
            found.push(DefinitionReference {
                resource: index,
                location,
                range,
                property: body,
                resolves_intrinsics,
            });
        }
    }
    found
}

/// Parses each definition file and puts its value in the template as the API's definition;
/// returns the combined text (the template's, then each file's after a line break) and where
/// each file is in it. A file that does not parse as YAML or JSON is left out (its API stays
/// unread, as before).
pub fn attach(
    template: &mut Template,
    text: &str,
    files: Vec<DefinitionFile>,
) -> (String, Vec<Included>) {
    let mut combined = String::from(text);
    let mut included = Vec::new();
    for file in files {
        let start = combined.len() + 1;
        let json = file
            .path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("json"))
            || file.text.trim_start().starts_with('{');
        let kind = if json {
            FileKind::JsonTemplate
        } else {
            FileKind::YamlTemplate
        };
        let Some(tree) = crate::text::parse(kind, &file.text, None) else {
            continue;
        };
        if tree.root_node().has_error() {
            continue;
        }
        let before = combined.len();
        combined.push('\n');
        combined.push_str(&file.text);
        let value = if json {
            value::from_json_at(&tree, &file.text, start)
        } else {
            value::YamlPieces::new(&combined).read(&tree, start)
        };
        let resource = template.resources.get_mut(file.reference.resource);
        let attached = match (value.filter(Value::is_map), resource) {
            (Some(mut value), Some(resource)) => {
                if !file.reference.resolves_intrinsics {
                    unresolved(&mut value, 64);
                }
                put_property(&mut resource.definition, file.reference.property, value)
            }
            _ => false,
        };
        if attached {
            template.included_definitions.push(file.reference.resource);
        }
        if !attached {
            combined.truncate(before);
            continue;
        }
        included.push(Included {
            path: file.path,
            reference: file.reference.range,
            start,
            len: file.text.len(),
        });
    }
    (combined, included)
}

/// Makes every intrinsic function of a value unknown (null): in a file API Gateway imports as
/// written, `!Sub ...${Fn.Arn}...` is no reference to anything.
fn unresolved(value: &mut Value, depth: usize) {
    if depth == 0 {
        return;
    }
    match &mut value.kind {
        ValueKind::Map(entries) => {
            for entry in entries {
                unresolved(&mut entry.value, depth - 1);
            }
        }
        ValueKind::Seq(items) => {
            for item in items {
                unresolved(item, depth - 1);
            }
        }
        ValueKind::Intrinsic(_) => value.kind = ValueKind::Null,
        _ => {}
    }
}

/// Sets `Properties.<key>` of a resource definition to `value`, replacing what is there.
fn put_property(definition: &mut Value, key: &str, value: Value) -> bool {
    let ValueKind::Map(entries) = &mut definition.kind else {
        return false;
    };
    let Some(properties) = entries.iter_mut().find(|entry| entry.key == "Properties") else {
        return false;
    };
    let ValueKind::Map(properties) = &mut properties.value.kind else {
        return false;
    };
    match properties.iter_mut().find(|entry| entry.key == key) {
        Some(entry) => entry.value = value,
        None => properties.push(Entry {
            key: key.to_owned(),
            key_range: TextRange::empty(value.range.start),
            value,
        }),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::read;

    fn template(text: &str) -> Template {
        let tree = crate::text::parse(FileKind::YamlTemplate, text, None).unwrap();
        read(FileKind::YamlTemplate, &tree, text).template.unwrap()
    }

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionUri: ./api.yaml\n  Included:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n          Parameters:\n            Location: openapi.json\n  Remote:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionUri: s3://bucket/api.yaml\n  Other:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      BodyS3Location: {Bucket: b, Key: k}\n";

    #[test]
    fn local_definition_files_are_referenced_and_remote_ones_are_not() {
        let template = template(TEMPLATE);
        let found = definition_references(&template);
        let locations: Vec<&str> = found.iter().map(|found| found.location.as_str()).collect();
        assert_eq!(locations, ["./api.yaml", "openapi.json"]);
        assert_eq!(found[0].range.slice(TEMPLATE), "./api.yaml");
        assert_eq!(found[1].property, "DefinitionBody");
    }

    #[test]
    fn an_attached_file_is_the_definition_and_its_ranges_map_back() {
        let mut template = template(TEMPLATE);
        let references = definition_references(&template);
        let api = "openapi: 3.0.1\npaths:\n  /orders:\n    get:\n      x-amazon-apigateway-integration:\n        type: aws_proxy\n";
        let json = "{\"openapi\": \"3.0.1\", \"paths\": {}}";
        let files = vec![
            DefinitionFile {
                reference: references[0].clone(),
                path: PathBuf::from("/app/api.yaml"),
                text: Arc::from(api),
            },
            DefinitionFile {
                reference: references[1].clone(),
                path: PathBuf::from("/app/openapi.json"),
                text: Arc::from(json),
            },
        ];
        let (combined, included) = attach(&mut template, TEMPLATE, files);
        assert_eq!(included.len(), 2);
        let body = template.resources[0].property("DefinitionBody").unwrap();
        let integration = body
            .path(&[
                "paths",
                "/orders",
                "get",
                "x-amazon-apigateway-integration",
                "type",
            ])
            .unwrap();
        assert_eq!(integration.range.slice(&combined), "aws_proxy");
        let local = included[0].locate(integration.range).unwrap();
        assert_eq!(local.slice(api), "aws_proxy");
        assert_eq!(included[1].locate(integration.range), None);
        let replaced = template.resources[1].property("DefinitionBody").unwrap();
        assert!(replaced.intrinsic().is_none());
        assert_eq!(replaced.range.slice(&combined), json);
    }

    #[test]
    fn a_file_that_does_not_parse_is_left_out() {
        let mut template = template(TEMPLATE);
        let references = definition_references(&template);
        let files = vec![DefinitionFile {
            reference: references[0].clone(),
            path: PathBuf::from("/app/api.yaml"),
            text: Arc::from("paths: [unclosed\n  - : :\n"),
        }];
        let (combined, included) = attach(&mut template, TEMPLATE, files);
        assert!(included.is_empty());
        assert_eq!(combined, TEMPLATE);
        assert!(template.resources[0].property("DefinitionBody").is_none());
    }
}
