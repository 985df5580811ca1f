//! `outpost backup` and `outpost restore`: the node's keys, log and local tables in one
//! verified file, and back.

use std::path::Path;

use super::output::{self, say};
use crate::core::{DataDir, Replica};
use crate::error::{Error, Result};

pub fn backup(replica: &Replica, file: &Path, force: bool, json: bool) -> Result<i32> {
    let report = replica.backup(file, force)?;
    if json {
        output::json(&report)?;
    } else {
        say!(
            "Backed up node {} ({}): {} ops, {} bytes, to {}",
            &report.node[..8.min(report.node.len())],
            output::field(&report.office),
            report.ops,
            report.bytes,
            file.display()
        )?;
        say!("state hash: {}", report.state_hash)?;
        say!("The file holds this node's secret keys: keep it as safe as the laptop.")?;
    }
    Ok(0)
}

pub fn restore(dir: &DataDir, file: &Path, as_new_node: bool, json: bool) -> Result<i32> {
    let bytes =
        std::fs::read(file).map_err(|e| Error::io(format!("cannot read {}", file.display()), e))?;
    let name = file.display().to_string();
    let (_, report) = Replica::restore(dir, &name, &bytes, as_new_node)?;
    if json {
        output::json(&report)?;
    } else {
        if report.as_new_node {
            say!(
                "Restored the history of node {} as the new node {} ({}) in {}",
                &report.backup_node[..8.min(report.backup_node.len())],
                &report.node[..8.min(report.node.len())],
                output::field(&report.office),
                dir.path().display()
            )?;
        } else {
            say!(
                "Restored node {} ({}) in {}",
                &report.node[..8.min(report.node.len())],
                output::field(&report.office),
                dir.path().display()
            )?;
        }
        say!("ops: {}   state hash: {}", report.ops, report.state_hash)?;
    }
    Ok(0)
}
