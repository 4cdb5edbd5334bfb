"""Stance on founder-IP versus matrix strategy."""
