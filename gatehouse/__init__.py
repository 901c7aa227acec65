"""Gatehouse — closed-management system for parks, communities and campuses (园区封闭管理系统)."""
